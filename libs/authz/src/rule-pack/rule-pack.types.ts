import type { RecordKind, Sector } from '@ajx/contracts';

/** Whether a class of fields (personal, commercial) reaches a department as is or masked. */
export type Visibility = 'visible' | 'masked';
export const VISIBILITIES = ['visible', 'masked'] as const satisfies readonly Visibility[];

/**
 * A kind's part in the urgent lane for major hazards: the coordinator (应急管理) is always notified, a sector kind
 * for the sectors it supervises, `none` never (e.g. the financial regulator, which receives no hazards).
 */
export type UrgentRole = 'coordinator' | 'sector' | 'none';
export const URGENT_ROLES = ['coordinator', 'sector', 'none'] as const satisfies readonly UrgentRole[];

/** The rules of one department kind, as loaded (validated, `"all"` sectors expanded, frozen). */
export interface KindRule {
  readonly kind: string;
  readonly name: string;
  readonly description: string | null;
  /** The pack said `"all"`: every sector of the data standard, including ones added later. */
  readonly allSectors: boolean;
  readonly sectors: readonly Sector[];
  readonly records: readonly RecordKind[];
  readonly personal: Visibility;
  readonly commercial: Visibility;
  readonly urgentRole: UrgentRole;
}

export interface RulePackIdentity {
  readonly id: string;
  readonly version: number;
}

/** A validated rule pack. Identity is `{id, version}`: any change of the rules is a new version. */
export interface RulePack extends RulePackIdentity {
  readonly name: string;
  readonly description: string | null;
  readonly kinds: readonly KindRule[];
}

/** `default@1`: the identity as one string (logs, audit entries, configuration). */
export function rulePackKey(pack: RulePackIdentity): string {
  return `${pack.id}@${pack.version}`;
}

export function findKindRule(pack: RulePack, kind: string): KindRule | undefined {
  return pack.kinds.find((k) => k.kind === kind);
}
