import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import { type Figures, FigureTotals, inJurisdiction } from '@ajx/supervision';
import {
  type ScopedRead,
  type SummedRow,
  SupervisionReadRepository,
  SupervisionRunsRepository,
} from '@ajx/supervision-store';
import type { FiguresDto, InsurerFiguresDto } from './dto/figures.dto';
import { SupervisionScopes } from './supervision-scope.service';

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The date the figures stand on: the last full evaluation's, else today in Beijing. */
export async function figuresDate(runs: SupervisionRunsRepository): Promise<string> {
  const last = await runs.lastCompleted();
  return last?.asOf ?? new Date(Date.now() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);
}

/** Figures (SUPERVISION.md) from summed rows: rates, balances and nulls computed as the library does. */
export function figuresOf(rows: readonly SummedRow[], asOf: string, scopes: SupervisionScopes): Figures {
  const totals = new FigureTotals();
  totals.apply(rows);
  return totals.figures(asOf, scopes.params.pack, (county) => inJurisdiction(scopes.params, county));
}

/** A department's figures: sums of every enterprise of its jurisdiction and sectors (row-level security). */
@Injectable()
export class FiguresService {
  constructor(
    private readonly scopes: SupervisionScopes,
    private readonly reads: SupervisionReadRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly audit: AuditLog,
  ) {}

  async figures(principal: Principal, requestId?: string): Promise<FiguresDto> {
    const scope: ScopedRead = this.scopes.ofDepartment(principal);
    const asOf = await figuresDate(this.runs);
    const [rows, before] = await Promise.all([
      this.reads.figureSums(scope),
      this.reads.coverageOn(scope, daysBefore(asOf, 7)),
    ]);
    const figures = figuresOf(rows, asOf, this.scopes);
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.figures.read',
      target: scope.kind === 'jurisdiction' ? scope.regionPrefix : principal.id,
      outcome: 'ok',
      requestId,
    });
    return {
      ...figures,
      scope: principal.id,
      coverageWeekBefore: figuresOf(before, daysBefore(asOf, 7), this.scopes).coverage,
    };
  }

  /** An insurer's own figures: premium, ledger, service coverage and claims (row-level security by insurer). */
  async insurerFigures(principal: Principal, requestId?: string): Promise<InsurerFiguresDto> {
    const scope = this.scopes.ofInsurer(principal);
    const asOf = await figuresDate(this.runs);
    const f = figuresOf(await this.reads.insurerFigureSums(scope), asOf, this.scopes);
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.figures.read',
      target: principal.id,
      outcome: 'ok',
      requestId,
    });
    return {
      asOf: f.asOf,
      pack: f.pack,
      insurer: principal.id,
      ledger: f.ledger,
      serviceCoverage: f.serviceCoverage,
      premium: f.premium,
      claims: f.claims,
    };
  }
}
