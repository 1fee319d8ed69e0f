import { Injectable } from '@nestjs/common';
import { builtInRulePackBySpec, findKindRule, jurisdictionPrefix, type RulePack } from '@ajx/authz';
import type { Principal } from '@ajx/identity';
import { insurerRead, jurisdictionRead, type ScopedRead } from '@ajx/supervision-store';
import { supervisionParameters, type SupervisionParameters } from '@ajx/supervision';
import { GatewayConfig } from '../gateway.config';
import { apiError } from '../http/api-error';

/** What a department or an insurer may read of the supervision data, derived from the principal and the rule pack. */
@Injectable()
export class SupervisionScopes {
  readonly pack: RulePack;
  readonly params: SupervisionParameters;

  constructor(config: GatewayConfig) {
    this.pack = builtInRulePackBySpec(config.AJX_RULE_PACK);
    this.params = supervisionParameters(this.pack);
  }

  /** A department's jurisdiction in its kind's sectors: the rule that routes findings to its feed. */
  ofDepartment(p: Principal): ScopedRead {
    if (p.type !== 'department' || !p.department)
      throw apiError(403, 'FORBIDDEN', `supervision data of a jurisdiction is for departments, not a ${p.type}`);
    const rule = findKindRule(this.pack, p.department.kind);
    if (!rule) throw apiError(403, 'FORBIDDEN', `department kind ${p.department.kind} is not in the rule pack`);
    return jurisdictionRead(
      jurisdictionPrefix(p.department.level, p.department.regionCode),
      rule.allSectors ? '*' : rule.sectors,
    );
  }

  ofInsurer(p: Principal): ScopedRead {
    if (p.type !== 'insurer') throw apiError(403, 'FORBIDDEN', `only an insurer reads its own findings`);
    return insurerRead(p.id);
  }
}
