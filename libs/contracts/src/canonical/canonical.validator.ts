import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import accidentSchema from '../../schemas/accident.v1.schema.json';
import claimSchema from '../../schemas/claim.v1.schema.json';
import hazardSchema from '../../schemas/hazard.v1.schema.json';
import policySchema from '../../schemas/policy.v1.schema.json';
import serviceSchema from '../../schemas/service.v1.schema.json';
import { RECORD_KINDS, type RecordKind } from './canonical-record';

/** The JSON Schemas of the canonical records (copies of shared/contracts), by kind. */
export const CANONICAL_SCHEMAS: Readonly<Record<RecordKind, object>> = {
  policy: policySchema,
  service: serviceSchema,
  hazard: hazardSchema,
  accident: accidentSchema,
  claim: claimSchema,
};

let validators: Record<RecordKind, ValidateFunction> | undefined;

/** A strict ajv for JSON Schema 2020-12 (unknown keywords and ambiguous schemas are errors, not ignored). */
export function strictSchemaCompiler(): Ajv2020 {
  return new Ajv2020({ allErrors: true, strict: true });
}

// Compiled on first use: the CLI and services that never validate do not pay for ajv's code generation.
function compiled(): Record<RecordKind, ValidateFunction> {
  if (!validators) {
    const ajv = strictSchemaCompiler();
    validators = Object.fromEntries(RECORD_KINDS.map((k) => [k, ajv.compile(CANONICAL_SCHEMAS[k])])) as Record<
      RecordKind,
      ValidateFunction
    >;
  }
  return validators;
}

/** Checks `data` against the canonical JSON Schema of `kind`: `[]` when valid, else one message per problem. */
export function validateCanonicalRecord(kind: RecordKind, data: unknown): string[] {
  const validate = Object.prototype.hasOwnProperty.call(compiled(), kind) ? compiled()[kind] : undefined;
  if (!validate) return [`unknown record kind ${JSON.stringify(kind)}`];
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
