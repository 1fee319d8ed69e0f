import { rulePackKey, type RulePack, type SupervisionRuleId, type RateTable } from '@ajx/authz';
import type { Sector, ServiceItem } from '@ajx/contracts';
import type { Severity } from './supervision.types';

/** Severity of each rule (SUPERVISION.md): RATE_UNVERIFIABLE is info, RENEWAL_DUE a warning, every other a violation. */
export function severityOf(rule: SupervisionRuleId): Severity {
  if (rule === 'RATE_UNVERIFIABLE') return 'info';
  if (rule === 'RENEWAL_DUE') return 'warning';
  return 'violation';
}

/** The territory table resolved for lookups. */
export interface Territories {
  /** County code → its name and insurers. */
  readonly counties: ReadonlyMap<string, { readonly name: string; readonly insurers: readonly string[] }>;
  readonly citywideSectors: ReadonlySet<Sector>;
  /** Sector → the insurers allowed across the jurisdiction for it. */
  readonly citywideInsurers: ReadonlyMap<Sector, readonly string[]>;
}

/** A pack's supervision section with the defaults of SUPERVISION.md applied: what the rules read. */
export interface SupervisionParameters {
  /** `jining@1` */
  readonly pack: string;
  readonly jurisdiction: string | null;
  readonly rules: ReadonlySet<SupervisionRuleId>;
  readonly ownRules: ReadonlySet<SupervisionRuleId>;
  readonly renewalNoticeDays: number;
  readonly lookbackDays: number;
  readonly feeRateBp: number | null;
  readonly requiredItems: readonly ServiceItem[];
  readonly majorReportHours: number;
  readonly accidentReportHours: number;
  readonly claimDecisionDays: number;
  readonly claimPaymentDays: number;
  readonly territories: Territories | null;
  readonly rate: RateTable | null;
}

/** SUPERVISION.md's values where a pack does not set a parameter. */
export const SUPERVISION_DEFAULTS = {
  renewalNoticeDays: 30,
  lookbackDays: 365,
  requiredItems: ['risk_assessment', 'training'] as readonly ServiceItem[],
  majorReportHours: 24,
  accidentReportHours: 1,
  claimDecisionDays: 30,
  claimPaymentDays: 10,
} as const;

export class NoSupervisionRulesError extends Error {
  constructor(pack: string) {
    super(`rule pack ${pack} has no supervision section (it defines no supervision rules)`);
    this.name = 'NoSupervisionRulesError';
  }
}

/** The supervision parameters of a loaded pack (from `@ajx/authz`); throws when the pack has none. */
export function supervisionParameters(pack: RulePack): SupervisionParameters {
  const s = pack.supervision;
  const label = rulePackKey(pack);
  if (!s) throw new NoSupervisionRulesError(label);
  const territories: Territories | null = s.territories
    ? {
        counties: new Map(s.territories.counties.map((c) => [c.code, { name: c.name, insurers: c.insurers }])),
        citywideSectors: new Set(s.territories.citywideSectors),
        citywideInsurers: citywideInsurersBySector(s.territories.citywideInsurerSectors),
      }
    : null;
  return {
    pack: label,
    jurisdiction: s.jurisdiction,
    rules: new Set(s.rules),
    ownRules: new Set(s.ownRules),
    renewalNoticeDays: s.renewalNoticeDays ?? SUPERVISION_DEFAULTS.renewalNoticeDays,
    lookbackDays: s.lookbackDays ?? SUPERVISION_DEFAULTS.lookbackDays,
    feeRateBp: s.feeRateBp,
    requiredItems: s.requiredItems ?? SUPERVISION_DEFAULTS.requiredItems,
    majorReportHours: s.majorReportHours ?? SUPERVISION_DEFAULTS.majorReportHours,
    accidentReportHours: s.accidentReportHours ?? SUPERVISION_DEFAULTS.accidentReportHours,
    claimDecisionDays: s.claimDecisionDays ?? SUPERVISION_DEFAULTS.claimDecisionDays,
    claimPaymentDays: s.claimPaymentDays ?? SUPERVISION_DEFAULTS.claimPaymentDays,
    territories,
    rate: s.rate,
  };
}

function citywideInsurersBySector(
  entries: readonly { readonly insurer: string; readonly sectors: readonly Sector[] }[],
): Map<Sector, string[]> {
  const bySector = new Map<Sector, string[]>();
  for (const e of entries)
    for (const sector of e.sectors) {
      const list = bySector.get(sector) ?? [];
      list.push(e.insurer);
      bySector.set(sector, list);
    }
  return bySector;
}

/** Whether the pack's own rules apply to a record of this region (its `enterprise.regionCode`). */
export function inJurisdiction(p: SupervisionParameters, regionCode: string): boolean {
  return p.jurisdiction !== null && regionCode.startsWith(p.jurisdiction);
}

/** Whether `rule` applies to a record of this region under the pack. */
export function ruleApplies(p: SupervisionParameters, rule: SupervisionRuleId, regionCode: string): boolean {
  return p.rules.has(rule) || (p.ownRules.has(rule) && inJurisdiction(p, regionCode));
}
