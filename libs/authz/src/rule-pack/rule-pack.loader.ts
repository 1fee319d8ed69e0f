import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { RECORD_KINDS, SECTORS, SERVICE_ITEMS, type RecordKind, type Sector, type ServiceItem } from '@ajx/contracts';
import rulePackSchema from '../../rule-packs/rule-pack.schema.json';
import {
  SUPERVISION_RULE_IDS,
  type KindRule,
  type RateTable,
  type RulePack,
  type SupervisionRuleId,
  type SupervisionRules,
  type TerritoryTable,
  type UrgentRole,
  type Visibility,
} from './rule-pack.types';

/** A rule pack that can't be used, with every problem found (not just the first). */
export class RulePackError extends Error {
  constructor(
    readonly pack: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid rule pack ${pack}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RulePackError';
  }
}

/** The shape the JSON Schema guarantees. */
interface RawKind {
  kind: string;
  name: string;
  description?: string;
  sectors: string | string[];
  records: string[];
  personal: Visibility;
  commercial: Visibility;
  urgentRole: UrgentRole;
}
interface RawSupervision {
  description?: string;
  jurisdiction?: string;
  rules: SupervisionRuleId[];
  ownRules?: SupervisionRuleId[];
  renewalNoticeDays?: number;
  lookbackDays?: number;
  feeRateBp?: number;
  requiredItems?: ServiceItem[];
  majorReportHours?: number;
  accidentReportHours?: number;
  claimDecisionDays?: number;
  claimPaymentDays?: number;
  territories?: {
    counties: { code: string; name: string; insurers: string[] }[];
    citywideSectors: Sector[];
    citywideInsurerSectors: { insurer: string; sectors: Sector[] }[];
  };
  rate?: RateTable;
}
interface RawRulePack {
  id: string;
  version: number;
  name: string;
  description?: string;
  kinds: RawKind[];
  supervision?: RawSupervision;
}

const validateShape = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile<RawRulePack>(
  rulePackSchema,
);

const KNOWN_SECTORS: ReadonlySet<string> = new Set(SECTORS);
// Every kind of the data standard has a department view and a mask (libs/authz/src/view, src/mask).
const KNOWN_RECORD_KINDS: ReadonlySet<string> = new Set(RECORD_KINDS);
const KNOWN_RULES: ReadonlySet<string> = new Set(SUPERVISION_RULE_IDS);
const KNOWN_ITEMS: ReadonlySet<string> = new Set(SERVICE_ITEMS);

/** The parameter each supervision rule reads from the pack (the others have defaults in SUPERVISION.md). */
const RULE_PARAMETERS: Partial<Record<SupervisionRuleId, keyof RawSupervision>> = {
  RENEWAL_DUE: 'renewalNoticeDays',
  OUT_OF_TERRITORY: 'territories',
  RATE_MISMATCH: 'rate',
  RATE_BELOW_FLOOR: 'rate',
  FEE_UNDER_ACCRUED: 'feeRateBp',
  SERVICE_MISSING: 'requiredItems',
  HAZARD_REPORTED_LATE: 'majorReportHours',
};

/**
 * Validates a rule pack (JSON Schema for the structure, then the semantic rules) and returns it frozen, with
 * `"all"` sectors expanded. Throws `RulePackError` listing every problem.
 */
export function loadRulePack(json: unknown): RulePack {
  const label = packLabel(json);
  if (!validateShape(json)) throw new RulePackError(label, (validateShape.errors ?? []).map(describeSchemaError));
  const problems = semanticProblems(json);
  if (json.supervision) problems.push(...supervisionProblems(json.supervision));
  if (problems.length > 0) throw new RulePackError(label, problems);
  return deepFreeze({
    id: json.id,
    version: json.version,
    name: json.name,
    description: json.description ?? null,
    kinds: json.kinds.map(toKindRule),
    supervision: json.supervision ? toSupervisionRules(json.supervision) : null,
  });
}

function packLabel(json: unknown): string {
  if (typeof json !== 'object' || json === null) return '(not an object)';
  const { id, version } = json as { id?: unknown; version?: unknown };
  const idText = typeof id === 'string' ? id : '?';
  const versionText = typeof version === 'number' ? String(version) : '?';
  return `${idText}@${versionText}`;
}

function describeSchemaError(e: ErrorObject): string {
  const at = e.instancePath === '' ? '(root)' : e.instancePath;
  const params = e.params as Record<string, unknown>;
  let detail = '';
  if (e.keyword === 'additionalProperties') detail = ` ('${String(params.additionalProperty)}')`;
  else if (e.keyword === 'enum') detail = ` (${(params.allowedValues as unknown[]).map(String).join(', ')})`;
  return `${at}: ${e.message ?? e.keyword}${detail}`;
}

function semanticProblems(pack: RawRulePack): string[] {
  const problems: string[] = [];
  const firstIndexOfKind = new Map<string, number>();
  pack.kinds.forEach((k, i) => {
    const at = `kinds[${i}] (${k.kind})`;
    const seen = firstIndexOfKind.get(k.kind);
    if (seen !== undefined) problems.push(`${at}: duplicate kind '${k.kind}', already defined by kinds[${seen}]`);
    else firstIndexOfKind.set(k.kind, i);
    if (k.name.trim() === '') problems.push(`${at}: name is blank`);

    if (typeof k.sectors === 'string') {
      if (k.sectors !== 'all') problems.push(`${at}: sectors must be "all" or a list of sectors, not "${k.sectors}"`);
    } else {
      if (k.sectors.length === 0) problems.push(`${at}: empty sector list (use "all" or name the sectors)`);
      problems.push(...listProblems(at, 'sector', k.sectors, KNOWN_SECTORS));
    }
    if (k.records.length === 0) problems.push(`${at}: empty record list`);
    problems.push(...listProblems(at, 'record kind', k.records, KNOWN_RECORD_KINDS));

    const receivesHazards = k.records.includes('hazard');
    if (k.urgentRole === 'sector' && !receivesHazards)
      problems.push(`${at}: urgentRole 'sector' needs 'hazard' in records (urgent hazards go to entitled departments)`);
    if (k.urgentRole === 'coordinator') {
      if (k.sectors !== 'all') problems.push(`${at}: the coordinator must cover sectors "all"`);
      if (!receivesHazards) problems.push(`${at}: the coordinator must receive 'hazard' records`);
    }
  });
  const coordinators = pack.kinds.filter((k) => k.urgentRole === 'coordinator').map((k) => k.kind);
  // Urgent accidents go through the urgent lane like major hazards: wherever a pack gives accidents to anyone, the
  // coordinator must receive them, or urgent accidents of sectors without a department kind would reach nobody.
  const accidentsTo = pack.kinds.filter((k) => k.records.includes('accident')).map((k) => k.kind);
  pack.kinds.forEach((k, i) => {
    if (k.urgentRole === 'coordinator' && accidentsTo.length > 0 && !k.records.includes('accident'))
      problems.push(
        `kinds[${i}] (${k.kind}): the coordinator must receive 'accident' records when other kinds do (${accidentsTo.join(', ')}): urgent accidents go through the urgent lane`,
      );
  });
  if (coordinators.length === 0)
    problems.push(
      "no kind has urgentRole 'coordinator': major hazards of sectors without a department kind would reach nobody",
    );
  else if (coordinators.length > 1)
    problems.push(`several coordinators (${coordinators.join(', ')}): exactly one kind coordinates the urgent lane`);
  return problems;
}

function supervisionProblems(s: RawSupervision): string[] {
  const problems: string[] = [];
  const own = s.ownRules ?? [];
  problems.push(...listProblems('supervision.rules', 'rule', s.rules, KNOWN_RULES));
  problems.push(...listProblems('supervision.ownRules', 'rule', own, KNOWN_RULES));
  for (const rule of own)
    if (s.rules.includes(rule))
      problems.push(
        `supervision: rule '${rule}' is in both rules and ownRules (it applies everywhere or in the jurisdiction)`,
      );
  if (own.length > 0 && s.jurisdiction === undefined)
    problems.push('supervision.ownRules: own rules need a jurisdiction (the region-code prefix they apply to)');
  for (const rule of [...s.rules, ...own]) {
    const parameter = RULE_PARAMETERS[rule];
    if (parameter && s[parameter] === undefined) problems.push(`supervision: rule ${rule} needs ${parameter}`);
  }
  if (s.jurisdiction !== undefined && s.feeRateBp === undefined)
    problems.push("supervision: a jurisdiction needs feeRateBp (the fee ledger's requiredFen of its counties)");
  if (s.requiredItems)
    problems.push(...listProblems('supervision.requiredItems', 'item', s.requiredItems, KNOWN_ITEMS));
  if (s.territories) problems.push(...territoryProblems(s.territories, s.jurisdiction));
  return problems;
}

function territoryProblems(t: NonNullable<RawSupervision['territories']>, jurisdiction: string | undefined): string[] {
  const problems: string[] = [];
  if (jurisdiction === undefined)
    problems.push('supervision.territories: a territory table needs a jurisdiction (the region it divides)');
  const firstIndexOfCounty = new Map<string, number>();
  t.counties.forEach((c, i) => {
    const at = `supervision.territories.counties[${i}] (${c.code})`;
    const seen = firstIndexOfCounty.get(c.code);
    if (seen !== undefined) problems.push(`${at}: county listed twice, already at counties[${seen}]`);
    else firstIndexOfCounty.set(c.code, i);
    if (jurisdiction !== undefined && !c.code.startsWith(jurisdiction))
      problems.push(`${at}: not within the jurisdiction ${jurisdiction}`);
    if (c.name.trim() === '') problems.push(`${at}: name is blank`);
    problems.push(...listProblems(at, 'insurer', c.insurers));
  });
  problems.push(...listProblems('supervision.territories.citywideSectors', 'sector', t.citywideSectors, KNOWN_SECTORS));
  const firstIndexOfInsurer = new Map<string, number>();
  t.citywideInsurerSectors.forEach((e, i) => {
    const at = `supervision.territories.citywideInsurerSectors[${i}] (${e.insurer})`;
    const seen = firstIndexOfInsurer.get(e.insurer);
    if (seen !== undefined) problems.push(`${at}: insurer listed twice, already at citywideInsurerSectors[${seen}]`);
    else firstIndexOfInsurer.set(e.insurer, i);
    problems.push(...listProblems(at, 'sector', e.sectors, KNOWN_SECTORS));
  });
  return problems;
}

/** Unknown (when `known` is given) and duplicate values of a list. */
function listProblems(at: string, what: string, values: readonly string[], known?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (known && !known.has(v)) problems.push(`${at}: unknown ${what} '${v}' (known: ${[...known].join(', ')})`);
    else if (seen.has(v)) problems.push(`${at}: ${what} '${v}' listed twice`);
    seen.add(v);
  }
  return problems;
}

function toKindRule(k: RawKind): KindRule {
  const allSectors = k.sectors === 'all';
  return {
    kind: k.kind,
    name: k.name,
    description: k.description ?? null,
    allSectors,
    sectors: allSectors ? [...SECTORS] : [...(k.sectors as Sector[])],
    records: [...(k.records as RecordKind[])],
    personal: k.personal,
    commercial: k.commercial,
    urgentRole: k.urgentRole,
  };
}

function toSupervisionRules(s: RawSupervision): SupervisionRules {
  const territories: TerritoryTable | null = s.territories
    ? {
        counties: s.territories.counties.map((c) => ({ code: c.code, name: c.name, insurers: [...c.insurers] })),
        citywideSectors: [...s.territories.citywideSectors],
        citywideInsurerSectors: s.territories.citywideInsurerSectors.map((e) => ({
          insurer: e.insurer,
          sectors: [...e.sectors],
        })),
      }
    : null;
  return {
    description: s.description ?? null,
    jurisdiction: s.jurisdiction ?? null,
    rules: [...s.rules],
    ownRules: [...(s.ownRules ?? [])],
    renewalNoticeDays: s.renewalNoticeDays ?? null,
    lookbackDays: s.lookbackDays ?? null,
    feeRateBp: s.feeRateBp ?? null,
    requiredItems: s.requiredItems ? [...s.requiredItems] : null,
    majorReportHours: s.majorReportHours ?? null,
    accidentReportHours: s.accidentReportHours ?? null,
    claimDecisionDays: s.claimDecisionDays ?? null,
    claimPaymentDays: s.claimPaymentDays ?? null,
    territories,
    rate: s.rate ? structuredClone(s.rate) : null,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
