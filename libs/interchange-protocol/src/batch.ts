import { createHash } from 'node:crypto';
import type { RecordKind } from '@ajx/contracts';
import { formatBeijingDateTime } from './beijing-time';
import type { CanonicalEvent } from './canonical-event';
import { canonicalJson } from './canonical-json';
import { canonicalEventId } from './event-id';
import { describeProblems, InterchangeError, type Problem } from './errors';
import { batchSchema, PROTOCOL_VERSION } from './schemas';
import { parseJson, schemaChecker } from './validation';

/** `realtime` and `scheduled` push the hub's sequence in order; `resend` repeats one day after a reconciliation. */
export type BatchMode = 'realtime' | 'scheduled' | 'resend';

export interface BatchEntry {
  /** The hub's sequence number of this delivery (increasing in the order the hub committed the events). */
  seq: number;
  /** Beijing date on which the hub accepted the event (the reconciliation day it counts in). */
  acceptedDate: string;
  /** True when the event replaces the content of an event with the same id delivered before. */
  correction: boolean;
  event: CanonicalEvent;
}

export interface ResendOf {
  /** The reconciliation day being re-sent. */
  date: string;
  /** 1 for the first re-send of that day, 2 for the next … */
  attempt: number;
}

export interface InterchangeBatch {
  protocol: typeof PROTOCOL_VERSION;
  batchId: string;
  sender: string;
  province: string;
  createdAt: string;
  mode: BatchMode;
  /** Present exactly when `mode` is `resend`. */
  resendOf?: ResendOf;
  entries: BatchEntry[];
}

export const DEFAULT_MAX_ENTRIES = 1000;
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Pull pages are named like batches (scope `pull`) so a receiver can log them the same way. */
export const PULL_SCOPE = 'pull';

/**
 * The id scope of a batch: every push (real-time or scheduled) shares `push`, so the same sequence numbers always
 * make the same id whichever mode sends them; a re-send gets a scope of its own per day and attempt, so a receiver
 * that already acknowledged the original batches still takes the re-sent ones.
 */
export function batchIdScope(mode: BatchMode, resendOf?: ResendOf): string {
  if (mode !== 'resend') return 'push';
  if (!resendOf) throw new Error('a resend batch needs resendOf');
  return `resend/${resendOf.date}/${resendOf.attempt}`;
}

/**
 * Deterministic batch id: `ib1-` + the first 128 bits (hex) of SHA-256 over the sender, province, scope and the
 * entries' sequence numbers. Re-sending the same entries gives the same id, so the receiver can acknowledge a
 * re-delivery without logging it twice.
 */
export function computeBatchId(o: {
  sender: string;
  province: string;
  scope: string;
  seqs: readonly number[];
}): string {
  const h = createHash('sha256')
    .update(`ajx-interchange/batch/v1\n${o.sender}\n${o.province}\n${o.scope}\n${o.seqs.join(',')}`, 'utf8')
    .digest('hex');
  return `ib1-${h.slice(0, 32)}`;
}

/** SHA-256 (hex) of the event's canonical JSON: equal for equal content whatever the member order. */
export function eventDigest(event: CanonicalEvent): string {
  return createHash('sha256').update(canonicalJson(event), 'utf8').digest('hex');
}

/**
 * SHA-256 (hex) of the batch's entries in canonical JSON. A receiver keeps it with the batch id: the same id with
 * another digest is a conflict (409), with the same digest a re-delivery (acknowledged again). `createdAt` and
 * `mode` are not part of it, so a sender may re-send an unchanged batch with a fresh `createdAt`.
 */
export function batchContentDigest(entries: readonly BatchEntry[]): string {
  return createHash('sha256').update(canonicalJson(entries), 'utf8').digest('hex');
}

/** Builds a batch (computing its id) and its body, ready to be signed and sent. */
export function buildBatch(o: {
  sender: string;
  province: string;
  mode: BatchMode;
  resendOf?: ResendOf;
  entries: BatchEntry[];
  createdAt?: Date | number;
}): { batch: InterchangeBatch; body: string } {
  if (o.entries.length === 0) throw new Error('a batch holds at least one entry');
  const batch: InterchangeBatch = {
    protocol: PROTOCOL_VERSION,
    batchId: computeBatchId({
      sender: o.sender,
      province: o.province,
      scope: batchIdScope(o.mode, o.resendOf),
      seqs: o.entries.map((e) => e.seq),
    }),
    sender: o.sender,
    province: o.province,
    createdAt: formatBeijingDateTime(o.createdAt ?? Date.now()),
    mode: o.mode,
    ...(o.mode === 'resend' ? { resendOf: o.resendOf } : {}),
    entries: o.entries,
  };
  return { batch, body: JSON.stringify(batch) };
}

const checkBatchSchema = schemaChecker<InterchangeBatch>(batchSchema);

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const SUBJECT_FIELD: Record<RecordKind, string> = {
  policy: 'policyNo',
  service: 'serviceId',
  hazard: 'hazardId',
  accident: 'accidentId',
  claim: 'claimNo',
};

/**
 * Consistency of one canonical event beyond its schema: the attributes agree with each other and with `data`, the
 * id is the one derived from insurer, kind, subject and version, and the enterprise lies in `province`.
 */
export function checkCanonicalEvent(event: CanonicalEvent, path: string, province: string | null): Problem[] {
  const problems: Problem[] = [];
  const add = (p: string, message: string) => problems.push({ path: `${path}${p}`, message });
  const [, kind, action] = event.type.split('.') as [string, RecordKind, string];
  const data = event.data as unknown as Loose;
  const enterprise = data.enterprise;
  const insurerName = event.source.slice('/insurers/'.length);

  if (event.dataschema !== `urn:ajx:${kind}:v1`)
    add('/dataschema', `must be urn:ajx:${kind}:v1 for type ${event.type}`);
  if (insurerName !== event.insurer) add('/source', `must be /insurers/${event.insurer} (the insurer attribute)`);
  if (data.insurer !== event.insurer) add('/data/insurer', `must equal the insurer attribute ${event.insurer}`);
  if (data.action !== action) add('/data/action', `must be ${action} for type ${event.type}`);
  if (data.version !== event.sourceversion) add('/data/version', `must equal sourceversion ${event.sourceversion}`);
  const subjectField = SUBJECT_FIELD[kind];
  if (data[subjectField] !== event.subject) add(`/data/${subjectField}`, `must equal the subject ${event.subject}`);
  if (!isObject(enterprise)) {
    add('/data/enterprise', 'must be an object');
  } else {
    if (enterprise.uscc !== event.uscc) add('/data/enterprise/uscc', `must equal the uscc attribute ${event.uscc}`);
    if (enterprise.regionCode !== event.region) {
      add('/data/enterprise/regionCode', `must equal the region attribute ${event.region}`);
    }
    if (enterprise.sector !== event.sector)
      add('/data/enterprise/sector', `must equal the sector attribute ${event.sector}`);
  }
  const wantId = canonicalEventId(event.insurer, kind, event.subject, event.sourceversion);
  if (event.id !== wantId)
    add('/id', `must be ${wantId}, the id of ${event.insurer}:${kind}:${event.subject}:${event.sourceversion}`);
  if (province !== null && !event.region.startsWith(province)) {
    add('/region', `${event.region} is not in province ${province}`);
  }
  return problems;
}

/**
 * Reads a received batch body: JSON, size, schema, consistency of every event, province and batch id.
 * Throws an `InterchangeError` naming every problem found (400, or 413 when there are too many entries).
 */
export function parseBatch(raw: Buffer | string, o: { province: string; maxEntries?: number }): InterchangeBatch {
  const json = parseJson(raw);
  if (!json.ok) throw new InterchangeError('MALFORMED_JSON', json.message);
  const maxEntries = o.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const entries = isObject(json.value) ? json.value.entries : undefined;
  if (Array.isArray(entries) && entries.length > maxEntries) {
    throw new InterchangeError(
      'PAYLOAD_TOO_LARGE',
      `the batch holds ${entries.length} entries; at most ${maxEntries} are accepted — split it`,
    );
  }
  const checked = checkBatchSchema(json.value);
  if (!checked.ok) {
    throw new InterchangeError(
      'INVALID_BATCH',
      `invalid batch: ${describeProblems(checked.problems)}`,
      checked.problems,
    );
  }
  const batch = checked.value;
  if (batch.province !== o.province) {
    throw new InterchangeError(
      'WRONG_PROVINCE',
      `the batch is addressed to province ${batch.province}, this is ${o.province}`,
      [{ path: '/province', message: `must be ${o.province}` }],
    );
  }
  const problems: Problem[] = [];
  if (batch.mode === 'resend' && !batch.resendOf)
    problems.push({ path: '/resendOf', message: 'is required when mode is resend' });
  if (batch.mode !== 'resend' && batch.resendOf) {
    problems.push({ path: '/resendOf', message: 'is only allowed when mode is resend' });
  }
  batch.entries.forEach((entry, i) => {
    if (i > 0 && entry.seq <= batch.entries[i - 1].seq) {
      problems.push({
        path: `/entries/${i}/seq`,
        message: `must be greater than the previous entry's seq ${batch.entries[i - 1].seq}`,
      });
    }
    problems.push(...checkCanonicalEvent(entry.event, `/entries/${i}/event`, o.province));
  });
  if (problems.length) {
    const onlyProvince = problems.every((p) => p.path.endsWith('/region'));
    throw new InterchangeError(
      onlyProvince ? 'WRONG_PROVINCE' : 'INVALID_BATCH',
      `${onlyProvince ? 'events of another province' : 'invalid batch'}: ${describeProblems(problems)}`,
      problems,
    );
  }
  const wantId = computeBatchId({
    sender: batch.sender,
    province: batch.province,
    scope: batchIdScope(batch.mode, batch.resendOf),
    seqs: batch.entries.map((e) => e.seq),
  });
  if (batch.batchId !== wantId) {
    throw new InterchangeError('BATCH_ID_MISMATCH', `batchId must be ${wantId} for these sequence numbers`, [
      { path: '/batchId', message: `must be ${wantId}` },
    ]);
  }
  return batch;
}
