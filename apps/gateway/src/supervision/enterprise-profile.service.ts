import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { RecordKind } from '@ajx/contracts';
import { departmentScopeOf, DeptViewRepository, type ViewRow } from '@ajx/dept-store';
import { countyByCode, SECTOR_NAMES } from '@ajx/domain';
import type { Principal } from '@ajx/identity';
import { RegisterRepository } from '@ajx/interchange-store';
import { SupervisionReadRepository, SupervisionRunsRepository } from '@ajx/supervision-store';
import { deptRecordDto } from '../dept/dept-record.mapper';
import type { DeptRecordDto } from '../dept/dto/dept.dto';
import { apiError } from '../http/api-error';
import type { EnterpriseProfileDto } from './dto/enterprise.dto';
import { findingDto } from './findings.service';
import { SupervisionScopes } from './supervision-scope.service';

/** How many records of one kind a profile lists (the newest first); an enterprise rarely has more. */
const PER_KIND = 200;

const PROFILE_KINDS: readonly [RecordKind, keyof EnterpriseProfileDto][] = [
  ['policy', 'policies'],
  ['service', 'services'],
  ['hazard', 'hazards'],
  ['accident', 'accidents'],
  ['claim', 'claims'],
];

const nameOf = (row: ViewRow | undefined): string | null =>
  (row?.data as { enterprise?: { name?: unknown } } | undefined)?.enterprise?.name?.toString() ?? null;

/**
 * Everything a department may see of one enterprise in one answer: its register entry, its records of every kind
 * (as masked for the department), its open findings, with the Chinese names of its region and sector. An enterprise
 * the department sees nothing of is 404, like one that does not exist.
 */
@Injectable()
export class EnterpriseProfileService {
  constructor(
    private readonly scopes: SupervisionScopes,
    private readonly views: DeptViewRepository,
    private readonly register: RegisterRepository,
    private readonly reads: SupervisionReadRepository,
    private readonly runs: SupervisionRunsRepository,
    private readonly audit: AuditLog,
  ) {}

  async profile(principal: Principal, uscc: string, requestId?: string): Promise<EnterpriseProfileDto> {
    const scope = this.scopes.ofDepartment(principal);
    if (scope.kind !== 'jurisdiction') throw apiError(403, 'FORBIDDEN', 'profiles are for departments');
    const deptScope = departmentScopeOf(principal);
    const [lastRunOn, entries, findings, ...records] = await Promise.all([
      this.runs.lastCompleted().then((r) => r?.asOf ?? null),
      this.register.entries({
        scopePrefix: scope.regionPrefix,
        scopeSectors: scope.sectors === '*' ? null : (scope.sectors as never),
        uscc,
        limit: 1,
      }),
      this.reads.findings(scope, { uscc, state: 'open', limit: 500 }),
      ...PROFILE_KINDS.map(([kind]) => this.views.page(deptScope, kind, { uscc }, null, PER_KIND)),
    ]);
    const entry = entries[0] ?? null;
    const any = entry !== null || findings.length > 0 || records.some((r) => r.length > 0);
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.enterprise.read',
      target: uscc,
      outcome: any ? 'ok' : 'denied',
      requestId,
    });
    if (!any) throw apiError(404, 'NOT_FOUND', `no enterprise ${uscc} in your jurisdiction`);
    const latest = records.flat().sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())[0];
    const regionCode = entry?.regionCode ?? latest?.region ?? findings[0]?.regionCode ?? '';
    const sector = entry?.sector ?? latest?.sector ?? findings[0]?.sector ?? 'other';
    const profile: EnterpriseProfileDto = {
      uscc,
      name: entry?.name ?? nameOf(latest),
      region: { code: regionCode, name: countyByCode(regionCode)?.name ?? null },
      sector: { code: sector, name: SECTOR_NAMES[sector]?.[0] ?? null },
      register: entry
        ? {
            uscc: entry.uscc,
            name: entry.name,
            regionCode: entry.regionCode,
            sector: entry.sector,
            employeeCount: entry.employeeCount,
            alternative: entry.alternative ?? null,
            version: entry.version,
          }
        : null,
      policies: [],
      services: [],
      hazards: [],
      accidents: [],
      claims: [],
      findings: findings.map((f) => findingDto(f, lastRunOn)),
    };
    PROFILE_KINDS.forEach(([, field], i) => {
      (profile[field] as DeptRecordDto[]) = records[i].map(deptRecordDto);
    });
    return profile;
  }
}
