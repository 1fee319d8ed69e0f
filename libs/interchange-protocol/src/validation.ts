import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isBeijingDateTime, isIsoDate } from './beijing-time';
import type { Problem } from './errors';

const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
ajv.addFormat('iso-date', { type: 'string', validate: isIsoDate });
ajv.addFormat('beijing-date-time', { type: 'string', validate: isBeijingDateTime });

function problemOf(e: ErrorObject): Problem {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(params.additionalProperty)}`, message: 'is not a known property' };
    case 'propertyNames':
      return { path: `${e.instancePath}/${String(params.propertyName)}`, message: 'is not a valid attribute name' };
    case 'enum':
      return {
        path: e.instancePath,
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path: e.instancePath, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'format':
      return {
        path: e.instancePath,
        message:
          params.format === 'iso-date'
            ? 'must be a calendar date YYYY-MM-DD'
            : 'must be a Beijing time YYYY-MM-DDTHH:mm:ss+08:00',
      };
    default:
      return { path: e.instancePath, message: e.message ?? e.keyword };
  }
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** A compiled schema whose failures come back as specific problems (one per failing property). */
export function schemaChecker<T>(schema: object): (value: unknown) => Checked<T> {
  const validate: ValidateFunction = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return { ok: true, value: value as T };
    // propertyNames reports the name and then a second, less useful error for the same property.
    const problems = (validate.errors ?? [])
      .filter((e) => !(e.keyword === 'pattern' && e.propertyName !== undefined))
      .map(problemOf);
    return { ok: false, problems };
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** JSON.parse of a raw body, with a readable reason when it is not JSON. */
export function parseJson(raw: Buffer | string): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : UTF8.decode(raw);
  } catch {
    return { ok: false, message: 'the body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, message: 'the body is empty' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `the body is not JSON: ${(err as Error).message}` };
  }
}
