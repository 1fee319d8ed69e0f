import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import {
  SupervisionFiguresRepository,
  SupervisionRunsRepository,
  SupervisionTargetsRepository,
} from '@ajx/supervision-store';
import { apiError } from '../http/api-error';
import type { TargetProgressDto, TargetsDto, TargetsInputDto } from './dto/targets.dto';
import { figuresDate, figuresOf } from './figures.service';
import { SupervisionScopes } from './supervision-scope.service';

const BEIJING_OFFSET_MS = 8 * 3_600_000;
const currentYear = () => new Date(Date.now() + BEIJING_OFFSET_MS).getUTCFullYear();
const progress = (actual: number, target: number | null) =>
  target === null || target === 0 ? null : Math.round((actual / target) * 10_000) / 10_000;

/** The city (`xxxx00`) of a department below province level. */
function cityOf(p: Principal): string {
  if (p.type !== 'department' || !p.department) throw apiError(403, 'FORBIDDEN', 'targets are for departments');
  if (p.department.level === 'province')
    throw apiError(403, 'FORBIDDEN', 'targets belong to a city: ask with the city or a county department');
  return `${p.department.regionCode.slice(0, 4)}00`;
}

/**
 * Targets per county and insurer and year (七(九)), set by a city's emergency department, read by the city's
 * departments with their progress: enterprises insured and premium of the policies in force on the figures' date.
 */
@Injectable()
export class TargetsService {
  constructor(
    private readonly scopes: SupervisionScopes,
    private readonly targets: SupervisionTargetsRepository,
    private readonly figures: SupervisionFiguresRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly audit: AuditLog,
  ) {}

  async get(principal: Principal, year = currentYear(), requestId?: string): Promise<TargetsDto> {
    const city = cityOf(principal);
    const [targets, asOf, rows] = await Promise.all([
      this.targets.ofYear(year, city),
      figuresDate(this.runs),
      this.figures.sums(city.slice(0, 4)),
    ]);
    const f = figuresOf(rows, asOf, this.scopes);
    const insuredIn = (county: string) =>
      f.coverage.filter((r) => r.county === county).reduce((n, r) => n + r.insured + r.unregisteredInsured, 0);
    const premiumOf = (pick: (r: (typeof f.premium)[number]) => boolean) =>
      f.premium.filter(pick).reduce((a, r) => ({ policies: a.policies + r.policies, fen: a.fen + r.premiumFen }), {
        policies: 0,
        fen: 0,
      });
    const items: TargetProgressDto[] = targets.map((t) => {
      const actual =
        t.scope === 'county'
          ? { insured: insuredIn(t.scopeId), fen: premiumOf((r) => r.county === t.scopeId).fen }
          : (() => {
              const p = premiumOf((r) => r.insurer === t.scopeId);
              return { insured: p.policies, fen: p.fen };
            })();
      return {
        scope: t.scope,
        id: t.scopeId,
        insuredTarget: t.insured,
        insured: actual.insured,
        insuredProgress: progress(actual.insured, t.insured),
        premiumTargetFen: t.premiumFen,
        premiumFen: actual.fen,
        premiumProgress: progress(actual.fen, t.premiumFen),
      };
    });
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.targets.read',
      target: city,
      outcome: 'ok',
      requestId,
    });
    return {
      year,
      city,
      asOf,
      setBy: targets[0]?.setBy ?? null,
      setAt: targets[0]?.setAt.toISOString() ?? null,
      items,
    };
  }

  /** A city's emergency department sets the year's targets of its counties and insurers (replacing earlier ones). */
  async set(principal: Principal, year: number, input: TargetsInputDto, requestId?: string): Promise<TargetsDto> {
    const city = cityOf(principal);
    const refuse = async (message: string) => {
      await this.audit.record({
        actor: principal.id,
        action: 'supervision.targets.set',
        target: city,
        outcome: 'denied',
        details: { year, message },
        requestId,
      });
      return apiError(403, 'FORBIDDEN', message);
    };
    if (principal.department?.kind !== 'emergency' || principal.department.level !== 'city')
      throw await refuse('targets are set by the city emergency management department (市应急管理局)');
    if (!Number.isInteger(year) || year < 2000 || year > 2100)
      throw apiError(400, 'INVALID_REQUEST', 'invalid path parameter "year": a calendar year 2000–2100');
    const outside = input.counties.filter((c) => c.county.slice(0, 4) !== city.slice(0, 4) || c.county === city);
    if (outside.length)
      throw apiError(400, 'INVALID_REQUEST', `counties outside ${city}: ${outside.map((c) => c.county).join(', ')}`);
    const seen = new Set<string>();
    for (const id of [
      ...input.counties.map((c) => `county ${c.county}`),
      ...input.insurers.map((i) => `insurer ${i.insurer}`),
    ]) {
      if (seen.has(id)) throw apiError(400, 'INVALID_REQUEST', `${id} is listed twice`);
      seen.add(id);
    }
    await this.targets.replace(
      year,
      city,
      [
        ...input.counties.map((c) => ({
          scope: 'county' as const,
          scopeId: c.county,
          insured: c.insured ?? null,
          premiumFen: c.premiumFen ?? null,
        })),
        ...input.insurers.map((i) => ({
          scope: 'insurer' as const,
          scopeId: i.insurer,
          insured: i.insured ?? null,
          premiumFen: i.premiumFen ?? null,
        })),
      ],
      principal.id,
    );
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.targets.set',
      target: city,
      outcome: 'ok',
      details: { year, counties: input.counties.length, insurers: input.insurers.length },
      requestId,
    });
    return this.get(principal, year, requestId);
  }
}
