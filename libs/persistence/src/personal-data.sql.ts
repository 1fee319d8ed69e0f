/**
 * The personal fields of the data standard (PIPL 个人信息): a policy's `contact` (联系人 name, 电话 phone) and a
 * service's `staff` (name, 证书号 certificateNo). These SQL expressions redact them inside a jsonb column, keeping
 * the record's shape valid (nullable fields become null, a staff name becomes ERASED_NAME), for the canonical store
 * and the department payloads alike.
 */
export const ERASED_NAME = '[已删除]';

/** The jsonb value of `column` with its personal fields redacted. */
export function redactedPersonalFields(column: string): string {
  return `CASE
    WHEN jsonb_typeof(${column}->'contact') = 'object'
      THEN jsonb_set(${column}, '{contact}', jsonb_build_object('name', NULL, 'phone', NULL))
    WHEN jsonb_typeof(${column}->'staff') = 'array'
      THEN jsonb_set(${column}, '{staff}', (
        SELECT coalesce(jsonb_agg(s - 'name' - 'certificateNo'
                  || jsonb_build_object('name', '${ERASED_NAME}', 'certificateNo', NULL)), '[]'::jsonb)
          FROM jsonb_array_elements(${column}->'staff') AS s))
    ELSE ${column} END`;
}

/** Whether the jsonb value of `column` still holds a personal field. */
export function holdsPersonalFields(column: string): string {
  return `(${column}->'contact'->>'name' IS NOT NULL OR ${column}->'contact'->>'phone' IS NOT NULL
    OR EXISTS (SELECT 1 FROM jsonb_array_elements(
         CASE WHEN jsonb_typeof(${column}->'staff') = 'array' THEN ${column}->'staff' ELSE '[]'::jsonb END) AS s
       WHERE s->>'name' IS DISTINCT FROM '${ERASED_NAME}' OR s->>'certificateNo' IS NOT NULL))`;
}
