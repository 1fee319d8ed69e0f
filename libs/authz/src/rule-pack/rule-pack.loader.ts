import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { SECTORS, V1_RECORD_KINDS, type RecordKind, type Sector } from '@ajx/contracts';
import rulePackSchema from '../../rule-packs/rule-pack.schema.json';
import type { KindRule, RulePack, UrgentRole, Visibility } from './rule-pack.types';

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
interface RawRulePack {
  id: string;
  version: number;
  name: string;
  description?: string;
  kinds: RawKind[];
}

const validateShape = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile<RawRulePack>(
  rulePackSchema,
);

const KNOWN_SECTORS: ReadonlySet<string> = new Set(SECTORS);
// Department views (and masks) exist for the v1 kinds only, so a pack may not entitle accidents or claims yet.
const KNOWN_RECORD_KINDS: ReadonlySet<string> = new Set(V1_RECORD_KINDS);

/**
 * Validates a rule pack (JSON Schema for the structure, then the semantic rules) and returns it frozen, with
 * `"all"` sectors expanded. Throws `RulePackError` listing every problem.
 */
export function loadRulePack(json: unknown): RulePack {
  const label = packLabel(json);
  if (!validateShape(json)) throw new RulePackError(label, (validateShape.errors ?? []).map(describeSchemaError));
  const problems = semanticProblems(json);
  if (problems.length > 0) throw new RulePackError(label, problems);
  return deepFreeze({
    id: json.id,
    version: json.version,
    name: json.name,
    description: json.description ?? null,
    kinds: json.kinds.map(toKindRule),
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
  if (coordinators.length === 0)
    problems.push(
      "no kind has urgentRole 'coordinator': major hazards of sectors without a department kind would reach nobody",
    );
  else if (coordinators.length > 1)
    problems.push(`several coordinators (${coordinators.join(', ')}): exactly one kind coordinates the urgent lane`);
  return problems;
}

function listProblems(at: string, what: string, values: readonly string[], known: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (!known.has(v)) problems.push(`${at}: unknown ${what} '${v}' (known: ${[...known].join(', ')})`);
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
