import type { RecordKind } from '@ajx/contracts';
import accidentViewSchema from '../../schemas/accident-view.v1.schema.json';
import claimViewSchema from '../../schemas/claim-view.v1.schema.json';
import hazardViewSchema from '../../schemas/hazard-view.v1.schema.json';
import policyViewSchema from '../../schemas/policy-view.v1.schema.json';
import serviceViewSchema from '../../schemas/service-view.v1.schema.json';

/**
 * JSON Schemas (draft 2020-12) of the department views, `$id` `urn:ajx:<kind>-view:v1`: the canonical schemas with
 * the masked fields made nullable or `*`-tolerant. The department API's OpenAPI document references them.
 */
export const VIEW_SCHEMAS: Readonly<Record<RecordKind, Readonly<Record<string, unknown>>>> = Object.freeze({
  policy: policyViewSchema,
  service: serviceViewSchema,
  hazard: hazardViewSchema,
  accident: accidentViewSchema,
  claim: claimViewSchema,
});
