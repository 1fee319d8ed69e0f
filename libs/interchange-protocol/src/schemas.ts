import { CANONICAL_EVENT_ATTRIBUTES, CANONICAL_EVENT_TYPES, RECORD_KINDS, SECTORS } from '@ajx/contracts';

/*
 * JSON Schemas (draft-07) of the protocol's documents. They are the first check of every received document; the
 * checks JSON Schema cannot express (consistency between fields, derived ids) follow in the parse functions.
 * docs/openapi/interchange.yaml describes the same documents for readers.
 */

export const PROTOCOL_VERSION = 'ajx-interchange/1';
export const SENDER_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
export const PROVINCE_PATTERN = '^[1-9][0-9]$';
export const INSURER_PATTERN = '^[A-Z][A-Z0-9_]{1,31}$';
export const EVENT_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
export const DIGEST_PATTERN = '^[0-9a-f]{64}$';
export const BATCH_ID_PATTERN = '^ib1-[0-9a-f]{32}$';
const USCC_PATTERN = '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$';

/** Every event type of the data standard (v1 and v2): accidents and claims reach the province like the rest. */
export const EVENT_TYPES = [...CANONICAL_EVENT_TYPES];

const seq = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
const isoDate = { type: 'string', format: 'iso-date' } as const;
const beijingDateTime = { type: 'string', format: 'beijing-date-time' } as const;
const kind = { enum: [...RECORD_KINDS] } as const;
const insurer = { type: 'string', pattern: INSURER_PATTERN } as const;
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;

/** CloudEvents 1.0 structured mode, as the canonical events of the data standard (v1, v2) fill it. */
export const canonicalEventSchema = {
  type: 'object',
  required: [...CANONICAL_EVENT_ATTRIBUTES, 'data'],
  // CloudEvents attribute names: lower-case letters and digits, at most 20 characters.
  propertyNames: { pattern: '^[a-z0-9]{1,20}$' },
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', pattern: EVENT_ID_PATTERN },
    source: { type: 'string', pattern: '^/insurers/[A-Z][A-Z0-9_]{1,31}$' },
    type: { enum: EVENT_TYPES },
    subject: { type: 'string', minLength: 1, maxLength: 64 },
    time: beijingDateTime,
    datacontenttype: { const: 'application/json' },
    dataschema: { enum: RECORD_KINDS.map((k) => `urn:ajx:${k}:v1`) },
    insurer,
    region: { type: 'string', pattern: '^[0-9]{6}$' },
    sector: { enum: [...SECTORS] },
    uscc: { type: 'string', pattern: USCC_PATTERN },
    sourceversion: { type: 'integer', minimum: 0, maximum: 2147483647 },
    data: { type: 'object' },
  },
} as const;

export const batchEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seq', 'acceptedDate', 'correction', 'event'],
  properties: {
    seq,
    acceptedDate: isoDate,
    correction: { type: 'boolean' },
    event: canonicalEventSchema,
  },
} as const;

export const batchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'batchId', 'sender', 'province', 'createdAt', 'mode', 'entries'],
  properties: {
    protocol: { const: PROTOCOL_VERSION },
    batchId: { type: 'string', pattern: BATCH_ID_PATTERN },
    sender: { type: 'string', pattern: SENDER_PATTERN },
    province: { type: 'string', pattern: PROVINCE_PATTERN },
    createdAt: beijingDateTime,
    mode: { enum: ['realtime', 'scheduled', 'resend'] },
    resendOf: {
      type: 'object',
      additionalProperties: false,
      required: ['date', 'attempt'],
      properties: { date: isoDate, attempt: { type: 'integer', minimum: 1, maximum: 1000000 } },
    },
    entries: { type: 'array', minItems: 1, items: batchEntrySchema },
  },
} as const;

export const ackSchema = {
  type: 'object',
  required: ['batchId', 'status', 'accepted', 'duplicateEntries', 'watermark', 'acknowledgedAt'],
  properties: {
    batchId: { type: 'string', pattern: BATCH_ID_PATTERN },
    status: { enum: ['accepted', 'already-accepted'] },
    accepted: count,
    duplicateEntries: count,
    watermark: count,
    acknowledgedAt: beijingDateTime,
  },
} as const;

const manifestCell = {
  type: 'object',
  additionalProperties: false,
  required: ['insurer', 'kind', 'count', 'digest'],
  properties: { insurer, kind, count, digest: { type: 'string', pattern: DIGEST_PATTERN } },
} as const;

/** The signed head of the hub's audit chain when the manifest was made (see `AuditAnchor`). */
export const auditAnchorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['blockNo', 'hash', 'signature', 'keyId', 'sealedAt'],
  properties: {
    blockNo: { type: 'string', pattern: '^[1-9][0-9]{0,18}$' },
    hash: { type: 'string', pattern: DIGEST_PATTERN },
    signature: { type: 'string', pattern: '^[0-9a-f]{128}$' },
    keyId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
    sealedAt: { type: 'string', minLength: 20, maxLength: 40 },
  },
} as const;

export const dailyManifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'date', 'sender', 'province', 'generatedAt', 'cells'],
  properties: {
    protocol: { const: PROTOCOL_VERSION },
    date: isoDate,
    sender: { type: 'string', pattern: SENDER_PATTERN },
    province: { type: 'string', pattern: PROVINCE_PATTERN },
    generatedAt: beijingDateTime,
    cells: { type: 'array', maxItems: 10000, items: manifestCell },
    auditAnchor: auditAnchorSchema,
  },
} as const;

const tally = {
  type: 'object',
  additionalProperties: false,
  required: ['count', 'digest'],
  properties: { count, digest: { type: 'string', pattern: DIGEST_PATTERN } },
} as const;

const mismatchCell = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'insurer', 'kind', 'expected', 'actual'],
  properties: { date: isoDate, insurer, kind, expected: tally, actual: tally },
} as const;

export const manifestVerdictSchema = {
  type: 'object',
  required: ['date', 'status', 'cells'],
  properties: {
    date: isoDate,
    status: { enum: ['match', 'mismatch'] },
    cells: { type: 'array', items: mismatchCell },
  },
} as const;

export const reconciliationReportSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'date', 'province', 'status', 'cells', 'reportedAt'],
  properties: {
    protocol: { const: PROTOCOL_VERSION },
    date: isoDate,
    province: { type: 'string', pattern: PROVINCE_PATTERN },
    status: { const: 'mismatch' },
    cells: { type: 'array', minItems: 1, maxItems: 10000, items: mismatchCell },
    reportedAt: beijingDateTime,
  },
} as const;

export const pullPageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['protocol', 'sender', 'province', 'entries', 'next', 'hasMore'],
  properties: {
    protocol: { const: PROTOCOL_VERSION },
    sender: { type: 'string', pattern: SENDER_PATTERN },
    province: { type: 'string', pattern: PROVINCE_PATTERN },
    entries: { type: 'array', items: batchEntrySchema },
    next: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    hasMore: { type: 'boolean' },
  },
} as const;
