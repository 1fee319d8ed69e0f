import fs from 'node:fs';
import { RECORD_KINDS, type RecordKind } from '@ajx/contracts';
import { Keyring, MIN_SECRET_LENGTH, type SigningKey } from '@ajx/interchange-protocol';
import { ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';

export const ENDPOINT_MODES = ['realtime', 'scheduled', 'off'] as const;
export type EndpointMode = (typeof ENDPOINT_MODES)[number];

/**
 * One provincial system the hub interchanges with (`AJX_INTERCHANGE_ENDPOINTS`). The same list configures the
 * interchange service (which pushes to `url`) and the gateway (which serves the province's pulls and reconciliation
 * reports, authenticated by the same key).
 */
export interface InterchangeEndpoint {
  /** Stable id: names the watermark row, the metrics and the job scheduler. */
  id: string;
  /** Base URL of the provincial system (`<url>/v1/interchange/batches`); null for an `off` endpoint without one. */
  url: string | null;
  /** GB/T 2260 two-digit province code: the endpoint receives every event whose region starts with it. */
  province: string;
  /** The province principal (type `province`) the endpoint's key stands for at the gateway. */
  principal: string;
  mode: EndpointMode;
  /** `scheduled`: cron pattern (5 or 6 fields) in Asia/Shanghai. */
  cron: string | null;
  /** The shared key: the hub signs with it, and the province signs its requests to the hub with it. */
  key: SigningKey;
  /**
   * Further keys the province may still (or already) sign its requests with, during a rotation: the new key before
   * the switch, the old one after it until `until` (docs/operations.md, "Rotation"). The hub never signs with them.
   */
  acceptKeys: AcceptedKey[];
  /** Most entries per batch (the receiver's limit is 1000 by default). */
  batchSize: number;
  /** Most bytes per batch body (the receiver's limit is 8 MiB by default). */
  maxBatchBytes: number;
  /** How long to wait for an answer before the attempt counts as lost (and is retried). */
  timeoutMs: number;
  /**
   * The record kinds this province receives (pushes, re-sends, manifests, pulls signed with its key); null: every kind
   * of the data standard. A provincial system still on data standard v1 takes `["policy", "service", "hazard"]`
   * until it accepts accidents and claims (docs/compatibility.md).
   */
  kinds: readonly RecordKind[] | null;
}

/** A key accepted on the province's requests besides the endpoint's key, until a time (null: until removed). */
export interface AcceptedKey extends SigningKey {
  until: Date | null;
}

export class InterchangeEndpointsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'InterchangeEndpointsError';
  }
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PRINCIPAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PROVINCE = /^[1-9][0-9]$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#LW-]+$/;
const KNOWN = new Set([
  'id',
  'url',
  'province',
  'principal',
  'mode',
  'cron',
  'keyId',
  'secret',
  'secretFile',
  'acceptKeys',
  'batchSize',
  'maxBatchBytes',
  'timeoutMs',
  'kinds',
]);

const DEFAULTS = { batchSize: 100, maxBatchBytes: 4 * 1024 * 1024, timeoutMs: 30_000 };

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '';
  } catch {
    return false;
  }
}

/** A cron pattern of 5 or 6 fields; BullMQ checks the fields' values when the scheduler is created. */
export function isCronPattern(v: string): boolean {
  const fields = v.trim().split(/\s+/);
  return (fields.length === 5 || fields.length === 6) && fields.every((f) => CRON_FIELD.test(f));
}

const configured = new WeakMap<object, InterchangeEndpoint[]>();

/** A service's configured endpoints, parsed once per config object (secret files are read once). */
export function configuredEndpoints(config: { AJX_INTERCHANGE_ENDPOINTS: string }): InterchangeEndpoint[] {
  let list = configured.get(config);
  if (!list) configured.set(config, (list = parseInterchangeEndpoints(config.AJX_INTERCHANGE_ENDPOINTS)));
  return list;
}

/**
 * Reads `AJX_INTERCHANGE_ENDPOINTS`: a JSON array of
 * `{id, url, province, principal, mode, cron?, keyId, secret | secretFile, batchSize?, maxBatchBytes?, timeoutMs?,
 * kinds?}`.
 * Every problem is reported at once; no message contains a secret.
 */
export function parseInterchangeEndpoints(
  json: string,
  readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): InterchangeEndpoint[] {
  if (json.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(json);
  } catch {
    // JSON.parse quotes the text around the error, which may hold a secret: say no more than that it is not JSON.
    throw new InterchangeEndpointsError(['is not valid JSON']);
  }
  if (!Array.isArray(list)) throw new InterchangeEndpointsError(['must be a JSON array of endpoints']);
  const problems: string[] = [];
  const endpoints: InterchangeEndpoint[] = [];
  const ids = new Set<string>();
  const keyIds = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const at = (msg: string) => problems.push(`endpoint ${i}: ${msg}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return at('must be an object');
    const e = raw as Record<string, unknown>;
    for (const k of Object.keys(e)) if (!KNOWN.has(k)) at(`${k} is not a known setting`);
    const id = typeof e.id === 'string' && ID.test(e.id) ? e.id : null;
    if (!id) at('id must be lower-case letters, digits, ".", "_" or "-" (1–64)');
    else if (ids.has(id)) at(`id ${id} is given twice`);
    else ids.add(id);
    const mode = ENDPOINT_MODES.find((m) => m === e.mode);
    if (!mode) at(`mode must be one of ${ENDPOINT_MODES.join(', ')}`);
    let url: string | null = null;
    if (e.url !== undefined && e.url !== null) {
      if (typeof e.url === 'string' && isHttpUrl(e.url)) url = e.url.replace(/\/+$/, '');
      else at('url must be an http(s) base URL without query');
    } else if (mode && mode !== 'off') at(`url is required in mode ${mode}`);
    const province = typeof e.province === 'string' && PROVINCE.test(e.province) ? e.province : null;
    if (!province) at('province must be a two-digit province code such as "33"');
    const principal = typeof e.principal === 'string' && PRINCIPAL_ID.test(e.principal) ? e.principal : null;
    if (!principal) at('principal must be the id of the province principal');
    let cron: string | null = null;
    if (mode === 'scheduled') {
      if (typeof e.cron === 'string' && isCronPattern(e.cron)) cron = e.cron.trim();
      else at('cron must be a cron pattern of 5 or 6 fields (time zone Asia/Shanghai)');
    } else if (e.cron !== undefined) at('cron is only for mode scheduled');
    const keyId = typeof e.keyId === 'string' && KEY_ID.test(e.keyId) ? e.keyId : null;
    if (!keyId) at('keyId must be 1–64 letters, digits, ".", "_" or "-"');
    else if (keyIds.has(keyId)) at(`keyId ${keyId} is used by another endpoint`);
    else keyIds.add(keyId);
    let secret: string | null = null;
    if ((e.secret === undefined) === (e.secretFile === undefined)) at('give exactly one of secret and secretFile');
    else if (e.secret !== undefined) {
      if (typeof e.secret === 'string') secret = e.secret;
      else at('secret must be a string');
    } else if (typeof e.secretFile !== 'string' || e.secretFile === '') at('secretFile must be a file name');
    else {
      try {
        secret = readFile(e.secretFile).replace(/\r?\n$/, '');
      } catch (err) {
        at(`secretFile cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    if (secret !== null && secret.length < MIN_SECRET_LENGTH)
      at(`the secret must be at least ${MIN_SECRET_LENGTH} characters`);
    const acceptKeys = parseAcceptKeys(e.acceptKeys, keyIds, readFile, (msg) => at(`acceptKeys: ${msg}`));
    const batchSize = e.batchSize ?? DEFAULTS.batchSize;
    if (!intIn(batchSize, 1, 1000)) at('batchSize must be an integer 1–1000');
    const maxBatchBytes = e.maxBatchBytes ?? DEFAULTS.maxBatchBytes;
    if (!intIn(maxBatchBytes, 16 * 1024, 64 * 1024 * 1024)) at('maxBatchBytes must be an integer 16384–67108864');
    const timeoutMs = e.timeoutMs ?? DEFAULTS.timeoutMs;
    if (!intIn(timeoutMs, 100, 600_000)) at('timeoutMs must be an integer 100–600000');
    let kinds: RecordKind[] | null = null;
    if (e.kinds !== undefined) {
      const known = (k: unknown): k is RecordKind => RECORD_KINDS.includes(k as RecordKind);
      if (!Array.isArray(e.kinds) || e.kinds.length === 0 || !e.kinds.every(known))
        at(`kinds must be a non-empty list of ${RECORD_KINDS.join(', ')}`);
      else if (new Set(e.kinds).size !== e.kinds.length) at('kinds names a kind twice');
      // In the data standard's order, so that equal lists compare equal.
      else kinds = RECORD_KINDS.filter((k) => (e.kinds as unknown[]).includes(k));
    }
    if (id && mode && province && principal && keyId && secret !== null && secret.length >= MIN_SECRET_LENGTH) {
      endpoints.push({
        id,
        url,
        province,
        principal,
        mode,
        cron,
        key: { keyId, secret },
        acceptKeys,
        batchSize: batchSize as number,
        maxBatchBytes: maxBatchBytes as number,
        timeoutMs: timeoutMs as number,
        kinds,
      });
    }
  });
  if (problems.length) throw new InterchangeEndpointsError(problems);
  return endpoints;
}

/** Reads one endpoint's `acceptKeys`: `[{keyId, secret | secretFile, until?}]` (until: an ISO 8601 time). */
function parseAcceptKeys(
  value: unknown,
  keyIds: Set<string>,
  readFile: (file: string) => string,
  at: (msg: string) => void,
): AcceptedKey[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    at('must be an array of {keyId, secret | secretFile, until?}');
    return [];
  }
  const keys: AcceptedKey[] = [];
  value.forEach((raw: unknown, j) => {
    const here = (msg: string) => at(`key ${j}: ${msg}`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return here('must be an object');
    const k = raw as Record<string, unknown>;
    for (const name of Object.keys(k))
      if (!['keyId', 'secret', 'secretFile', 'until'].includes(name)) here(`${name} is not a known setting`);
    const keyId = typeof k.keyId === 'string' && KEY_ID.test(k.keyId) ? k.keyId : null;
    if (!keyId) here('keyId must be 1–64 letters, digits, ".", "_" or "-"');
    else if (keyIds.has(keyId)) here(`keyId ${keyId} is used by another key`);
    else keyIds.add(keyId);
    let secret: string | null = null;
    if ((k.secret === undefined) === (k.secretFile === undefined)) here('give exactly one of secret and secretFile');
    else if (typeof k.secret === 'string') secret = k.secret;
    else if (typeof k.secretFile === 'string' && k.secretFile !== '') {
      try {
        secret = readFile(k.secretFile).replace(/\r?\n$/, '');
      } catch (err) {
        here(`secretFile cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    } else here('secret must be a string, secretFile a file name');
    if (secret !== null && secret.length < MIN_SECRET_LENGTH)
      here(`the secret must be at least ${MIN_SECRET_LENGTH} characters`);
    let until: Date | null = null;
    if (k.until !== undefined) {
      until = typeof k.until === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(k.until) ? new Date(k.until) : null;
      if (!until || Number.isNaN(until.getTime()))
        here('until must be an ISO 8601 time, e.g. 2025-07-01T00:00:00+08:00');
    }
    if (keyId && secret !== null && secret.length >= MIN_SECRET_LENGTH && (k.until === undefined || until))
      keys.push({ keyId, secret, until });
  });
  return keys;
}

/** The keys of every endpoint (its own and those it accepts), for verifying what provinces send the hub. */
export function endpointKeyring(endpoints: readonly InterchangeEndpoint[]): Keyring {
  return new Keyring(
    endpoints.flatMap((e) => [e.key, ...e.acceptKeys.map(({ keyId, secret }) => ({ keyId, secret }))]),
  );
}

/**
 * The endpoint a verified key belongs to and, for an accepted key, until when it is accepted (null: no limit).
 */
export function endpointOfKey(
  endpoints: readonly InterchangeEndpoint[],
  keyId: string,
): { endpoint: InterchangeEndpoint; until: Date | null } | null {
  for (const endpoint of endpoints) {
    if (endpoint.key.keyId === keyId) return { endpoint, until: null };
    const accepted = endpoint.acceptKeys.find((k) => k.keyId === keyId);
    if (accepted) return { endpoint, until: accepted.until };
  }
  return null;
}

/** class-validator check of `AJX_INTERCHANGE_ENDPOINTS` (used by the gateway's and the interchange's config). */
@ValidatorConstraint({ name: 'interchangeEndpoints' })
export class InterchangeEndpointsConstraint implements ValidatorConstraintInterface {
  private problem = '';

  validate(value: unknown): boolean {
    if (typeof value !== 'string') {
      this.problem = 'must be a JSON string';
      return false;
    }
    try {
      parseInterchangeEndpoints(value);
      return true;
    } catch (err) {
      this.problem = err instanceof InterchangeEndpointsError ? err.message : String(err);
      return false;
    }
  }

  defaultMessage(args: ValidationArguments): string {
    return `${args.property} ${this.problem}`;
  }
}
