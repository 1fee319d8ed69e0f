import hazardV1 from '../../schemas/history/standard-v1/hazard.v1.schema.json';
import policyV1 from '../../schemas/history/standard-v1/policy.v1.schema.json';
import serviceV1 from '../../schemas/history/standard-v1/service.v1.schema.json';
import { RECORD_KINDS, type RecordKind } from './canonical-record';
import { CANONICAL_SCHEMAS, strictSchemaCompiler } from './canonical.validator';

/** One released version of a canonical schema: the data standard it was released with, and its content. */
export interface SchemaRelease {
  standard: string;
  schema: object;
}

/**
 * Every earlier release of each canonical schema (oldest first), kept in `libs/contracts/schemas/history/<standard>/`
 * as it was released; the current one is `CANONICAL_SCHEMAS`. The compatibility rule is BACKWARD_TRANSITIVE: every
 * record valid under any earlier release must be valid under the current schema, because the canonical store keeps
 * every event ever accepted and replays, re-projections and the interchange read them with the current schema.
 * A kind that is new in the current standard has no earlier release.
 */
export const CANONICAL_SCHEMA_HISTORY: Readonly<Record<RecordKind, readonly SchemaRelease[]>> = {
  policy: [{ standard: 'v1', schema: policyV1 }],
  service: [{ standard: 'v1', schema: serviceV1 }],
  hazard: [{ standard: 'v1', schema: hazardV1 }],
  accident: [],
  claim: [],
};

/** The data standard the current schemas belong to. */
export const CURRENT_STANDARD = 'v2';

/**
 * Where `current` fails to accept what an earlier release accepted: one message per sample that is valid under some
 * release in `earlier` but not under `current` (empty when the samples show no incompatibility). Each schema gets
 * its own compiler, because releases share their `$id`.
 */
export function backwardIncompatibilities(
  earlier: readonly SchemaRelease[],
  current: object,
  samples: readonly unknown[],
): string[] {
  const validateCurrent = strictSchemaCompiler().compile(current);
  const problems: string[] = [];
  for (const release of earlier) {
    const validateEarlier = strictSchemaCompiler().compile(release.schema);
    samples.forEach((sample, i) => {
      if (!validateEarlier(sample) || validateCurrent(sample)) return;
      const why = (validateCurrent.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
      problems.push(`sample ${i + 1}, valid under the ${release.standard} release, is refused now: ${why.join('; ')}`);
    });
  }
  return problems;
}

/** The same for every canonical kind against its recorded history, with the samples of each kind. */
export function canonicalSchemaIncompatibilities(samples: Partial<Record<RecordKind, readonly unknown[]>>): string[] {
  return RECORD_KINDS.flatMap((kind) =>
    backwardIncompatibilities(CANONICAL_SCHEMA_HISTORY[kind], CANONICAL_SCHEMAS[kind], samples[kind] ?? []).map(
      (p) => `${kind}: ${p}`,
    ),
  );
}
