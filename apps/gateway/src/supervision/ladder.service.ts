import { Injectable } from '@nestjs/common';
import { AuditLog } from '@ajx/audit';
import type { Principal } from '@ajx/identity';
import { LADDER_RULES, MARKET_EXIT_RULE, violationLadder } from '@ajx/supervision';
import { SupervisionReadRepository } from '@ajx/supervision-store';
import type { LadderPositionDto } from './dto/ladder.dto';
import { SupervisionScopes } from './supervision-scope.service';

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The violation ladder (济宁 七(八)) of the insurers, over the findings of the department's jurisdiction it may see. */
@Injectable()
export class LadderService {
  constructor(
    private readonly scopes: SupervisionScopes,
    private readonly reads: SupervisionReadRepository,
    private readonly audit: AuditLog,
  ) {}

  async ladder(principal: Principal, year?: number, requestId?: string): Promise<LadderPositionDto[]> {
    const scope = this.scopes.ofDepartment(principal);
    const y = year ?? new Date(Date.now() + BEIJING_OFFSET_MS).getUTCFullYear();
    const confirmed = await this.reads.confirmed(scope, [...LADDER_RULES, MARKET_EXIT_RULE], y);
    await this.audit.record({
      actor: principal.id,
      action: 'supervision.ladder.read',
      target: String(y),
      outcome: 'ok',
      requestId,
    });
    return violationLadder(
      confirmed.map((f) => ({ rule: f.rule, key: f.key, insurer: f.insurer, confirmedAt: f.review!.at.toISOString() })),
    ).map((p) => ({ ...p, findings: [...p.findings] }));
  }
}
