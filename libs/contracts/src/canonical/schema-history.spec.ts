import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_KINDS, V1_RECORD_KINDS, type RecordKind } from './canonical-record';
import { CANONICAL_SCHEMAS, validateCanonicalRecord } from './canonical.validator';
import {
  backwardIncompatibilities,
  CANONICAL_SCHEMA_HISTORY,
  canonicalSchemaIncompatibilities,
  CURRENT_STANDARD,
} from './schema-history';

const SHARED = join(__dirname, '../../../../../shared');

/** Every canonical record the shared standard shows: expected outputs of the native samples and supervision inputs. */
function sharedSamples(): Record<RecordKind, unknown[]> {
  const out = Object.fromEntries(RECORD_KINDS.map((k) => [k, [] as unknown[]])) as Record<RecordKind, unknown[]>;
  const files: string[] = [];
  for (const set of ['samples', 'samples-v2']) {
    const expected = join(SHARED, set, 'expected');
    if (!existsSync(expected)) continue;
    for (const insurer of readdirSync(expected))
      for (const f of readdirSync(join(expected, insurer))) files.push(join(expected, insurer, f));
  }
  for (const set of ['supervision', 'supervision-v2']) {
    const f = join(SHARED, 'samples', set, 'events.ndjson');
    if (existsSync(f)) files.push(f);
  }
  for (const f of files)
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as { kind?: RecordKind; dataschema?: string; data?: unknown };
      const kind = o.kind ?? (o.dataschema?.split(':')[2] as RecordKind | undefined);
      if (kind && o.data !== undefined) out[kind].push(o.data);
    }
  return out;
}

const idOf = (schema: object) => (schema as { $id: string }).$id;

describe('canonical schema evolution (BACKWARD_TRANSITIVE)', () => {
  const samples = sharedSamples();
  const haveShared = existsSync(join(SHARED, 'samples'));

  it('records the v1 release of every v1 kind, and no earlier release of the kinds v2 adds', () => {
    expect(CURRENT_STANDARD).toBe('v2');
    for (const kind of RECORD_KINDS)
      expect([kind, CANONICAL_SCHEMA_HISTORY[kind].map((r) => r.standard)]).toEqual([
        kind,
        (V1_RECORD_KINDS as readonly string[]).includes(kind) ? ['v1'] : [],
      ]);
  });

  it('keeps each schema id (the event dataschema) across compatible releases', () => {
    for (const kind of RECORD_KINDS) {
      expect(idOf(CANONICAL_SCHEMAS[kind])).toBe(`urn:ajx:${kind}:v1`);
      for (const release of CANONICAL_SCHEMA_HISTORY[kind]) expect(idOf(release.schema)).toBe(`urn:ajx:${kind}:v1`);
    }
  });

  (haveShared ? it : it.skip)('accepts now every shared sample any earlier release accepted', () => {
    for (const kind of RECORD_KINDS) expect([kind, samples[kind].length > 20]).toEqual([kind, true]);
    for (const kind of RECORD_KINDS)
      for (const data of samples[kind]) expect([kind, validateCanonicalRecord(kind, data)]).toEqual([kind, []]);
    expect(canonicalSchemaIncompatibilities(samples)).toEqual([]);
  });

  (haveShared ? it : it.skip)(
    'would catch an incompatible change: a new required field, a narrowed enum or type',
    () => {
      const policy = structuredClone(CANONICAL_SCHEMAS.policy) as {
        required: string[];
        properties: Record<string, unknown>;
      };
      policy.required.push('channel');
      policy.properties.channel = { type: 'string' };
      expect(backwardIncompatibilities(CANONICAL_SCHEMA_HISTORY.policy, policy, samples.policy).length).toBe(
        samples.policy.length,
      );

      const hazard = structuredClone(CANONICAL_SCHEMAS.hazard) as { properties: { level: { enum: string[] } } };
      hazard.properties.level.enum = ['general'];
      const refused = backwardIncompatibilities(CANONICAL_SCHEMA_HISTORY.hazard, hazard, samples.hazard);
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatch(/valid under the v1 release, is refused now: \/level/);

      const service = structuredClone(CANONICAL_SCHEMAS.service) as { properties: { costFen: { type: unknown } } };
      service.properties.costFen.type = 'integer';
      expect(
        backwardIncompatibilities(CANONICAL_SCHEMA_HISTORY.service, service, samples.service).length,
      ).toBeGreaterThan(0);
    },
  );

  (haveShared ? it : it.skip)('lets a compatible change through: an optional field, a widened enum', () => {
    const hazard = structuredClone(CANONICAL_SCHEMAS.hazard) as {
      properties: Record<string, unknown> & { level: { enum: string[] } };
    };
    hazard.properties.level.enum.push('critical');
    hazard.properties.photoCount = { type: 'integer', minimum: 0 };
    expect(backwardIncompatibilities(CANONICAL_SCHEMA_HISTORY.hazard, hazard, samples.hazard)).toEqual([]);
  });
});
