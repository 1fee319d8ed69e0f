import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import hazardSchema from '../../schemas/hazard.v1.schema.json';
import policySchema from '../../schemas/policy.v1.schema.json';
import serviceSchema from '../../schemas/service.v1.schema.json';
import type { RecordKind } from './canonical-record';

/** The JSON Schemas of the canonical records (copies of shared/contracts), by kind. */
export const CANONICAL_SCHEMAS: Readonly<Record<RecordKind, object>> = {
  policy: policySchema,
  service: serviceSchema,
  hazard: hazardSchema,
};

let validators: Record<RecordKind, ValidateFunction> | undefined;

// Compiled on first use: the CLI and services that never validate do not pay for ajv's code generation.
function compiled(): Record<RecordKind, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    validators = {
      policy: ajv.compile(policySchema),
      service: ajv.compile(serviceSchema),
      hazard: ajv.compile(hazardSchema),
    };
  }
  return validators;
}

/** Checks `data` against the canonical JSON Schema of `kind`: `[]` when valid, else one message per problem. */
export function validateCanonicalRecord(kind: RecordKind, data: unknown): string[] {
  const validate = compiled()[kind];
  if (!validate) return [`unknown record kind ${JSON.stringify(kind)}`];
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
