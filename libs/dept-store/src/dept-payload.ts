import { createHash } from 'node:crypto';
import { copyRows, jsonRows } from '@ajx/persistence';
import type { EntityManager } from 'typeorm';

/** A masked record as stored once in `dept_payloads`, addressed by its content. */
export interface Payload {
  payloadId: string;
  data: unknown;
  /** `data` as JSON: the text its id is the hash of, and what is written (serialised once). */
  json: string;
}

/** The id of a masked record: the first 128 bits of the SHA-256 of its JSON, as a UUID. */
export function payloadOf(data: unknown): Payload {
  const json = JSON.stringify(data);
  const h = createHash('sha256').update(json).digest('hex');
  return {
    payloadId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`,
    data,
    json,
  };
}

/** Stores payloads not stored yet (content-addressed: an existing id already holds the same content). */
export async function insertPayloads(tx: EntityManager, payloads: Iterable<Payload>): Promise<void> {
  const distinct = new Map<string, Payload>();
  for (const p of payloads) distinct.set(p.payloadId, p);
  if (!distinct.size) return;
  await tx.query(
    `INSERT INTO dept_payloads (payload_id, data)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(payload_id uuid, data jsonb)
     ON CONFLICT (payload_id) DO NOTHING`,
    // In key order, like every writer's rows: concurrent writers wait for each other instead of deadlocking.
    [
      jsonRows(
        [...distinct.values()]
          .sort((a, b) => (a.payloadId < b.payloadId ? -1 : a.payloadId > b.payloadId ? 1 : 0))
          .map((p) => ({ payload_id: p.payloadId, data: p.data })),
      ),
    ],
  );
}

/**
 * The router's bulk path: stores, through `COPY`, the payloads not stored yet. A record's payloads hold its own
 * identity, so only writers of the same record meet here, and they hold that record's lock (DeptProjectionWriter):
 * the check cannot race. Were it ever to, the key violation rolls the whole transaction back and the slice is retried,
 * finding the payload stored.
 */
export async function copyNewPayloads(tx: EntityManager, payloads: Iterable<Payload>): Promise<void> {
  const distinct = new Map<string, Payload>();
  for (const p of payloads) distinct.set(p.payloadId, p);
  if (!distinct.size) return;
  const stored = await tx.query<{ payload_id: string }[]>(
    `SELECT payload_id FROM dept_payloads WHERE payload_id = ANY($1::uuid[])`,
    [[...distinct.keys()]],
  );
  for (const r of stored) distinct.delete(r.payload_id);
  await copyRows(
    tx,
    'dept_payloads',
    ['payload_id', 'data'],
    [...distinct.values()].map((p) => [p.payloadId, p.json]),
  );
}
