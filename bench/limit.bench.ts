import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { from as copyFrom } from 'pg-copy-streams';
import type { PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import { TopicAdmin, EventProducer } from '@ajx/messaging';
import { cpuOfPostgres, sampleProc } from './support/proc-stats';

/** One ceiling: how fast this stack moves the end-to-end run's records through one stage with no logic. */
export interface Ceiling {
  name: string;
  records: number;
  rows: number;
  seconds: number;
  recordsPerSecond: number;
  rowsPerSecond: number;
  /** CPU of this process, the broker and every PostgreSQL backend, per record (µs). */
  cpuMicrosPerRecord: number;
}

/** The records of the end-to-end run as the ceilings replay them: each event with the departments it reached. */
export interface LimitRecords {
  events: { event_id: string; data: unknown; departments: string[] }[];
  rows: number;
}

const TOPIC = 'bench.limit';
const log = (msg: string) => process.stderr.write(`[bench:limit] ${msg}\n`);
const ROW_TABLE = (name: string) =>
  `CREATE TABLE ${name} (department_id text NOT NULL, event_id uuid NOT NULL, data jsonb NOT NULL,
     PRIMARY KEY (department_id, event_id))`;

export async function loadLimitRecords(db: DataSource): Promise<LimitRecords> {
  const events = await db.query<LimitRecords['events']>(
    `SELECT e.event_id, e.data, array_agg(DISTINCT f.department_id) AS departments
     FROM canonical_events e JOIN dept_feed f ON f.event_id = e.event_id GROUP BY e.event_id, e.data`,
  );
  if (events.length === 0) throw new Error('no routed events to replay for the limit');
  return { events, rows: events.reduce((n, e) => n + e.departments.length, 0) };
}

/** Measures CPU of this process, the broker and PostgreSQL around `work`, and its wall time. */
async function measured(
  databaseUrl: string,
  name: string,
  brokerPid: number,
  records: number,
  rows: number,
  work: () => Promise<{ startedAt: number; finishedAt: number }>,
): Promise<Ceiling> {
  const cpu = () => {
    const self = process.cpuUsage();
    return (self.user + self.system) / 1e6 + (sampleProc(brokerPid)?.cpuSeconds ?? 0) + cpuOfPostgres(databaseUrl);
  };
  const before = cpu();
  const { startedAt, finishedAt } = await work();
  const used = cpu() - before;
  const seconds = Math.max(0.001, (finishedAt - startedAt) / 1000);
  return {
    name,
    records,
    rows,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Math.round(records / seconds),
    rowsPerSecond: Math.round(rows / seconds),
    cpuMicrosPerRecord: Math.round((used / records) * 1e6),
  };
}

/**
 * Consumes the replay topic from the start with a group of its own and hands each batch to `write`, committing
 * offsets after it (offset + 1) — the way the router consumes; resolves when every record was handled.
 */
async function consumeAll(
  kafka: Kafka,
  total: number,
  write: (batch: { eventId: string; value: string; departments: string[] }[]) => Promise<void>,
  concurrency = 4,
): Promise<{ startedAt: number; finishedAt: number }> {
  const consumer = kafka.consumer({ groupId: `bench-limit-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let records = 0;
  let startedAt = 0;
  try {
    const finishedAt = await new Promise<number>((resolve, reject) => {
      void consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: concurrency,
          eachBatch: async (payload) => {
            const { batch } = payload;
            if (!startedAt) startedAt = Date.now();
            await write(
              batch.messages.map((m) => ({
                eventId: m.headers?.['ajx-event-id']?.toString() ?? '',
                value: m.value?.toString() ?? 'null',
                departments: (m.headers?.['ajx-departments']?.toString() ?? '').split(','),
              })),
            );
            const last = batch.messages[batch.messages.length - 1];
            payload.resolveOffset(last.offset);
            await payload.commitOffsetsIfNecessary({
              topics: [
                {
                  topic: batch.topic,
                  partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }],
                },
              ],
            });
            records += batch.messages.length;
            if (records >= total) resolve(Date.now());
          },
        })
        .catch(reject);
    });
    return { startedAt, finishedAt };
  } finally {
    await consumer.disconnect();
  }
}

/** PostgreSQL's binary COPY format for (text, uuid, jsonb) rows. */
function binaryCopy(rows: { department: string; eventId: string; value: string }[]): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
  for (const r of rows) {
    const dept = Buffer.from(r.department, 'utf8');
    const uuid = Buffer.from(r.eventId.replace(/-/g, ''), 'hex');
    const json = Buffer.from(r.value, 'utf8');
    const head = Buffer.alloc(2 + 4);
    head.writeInt16BE(3, 0);
    head.writeInt32BE(dept.length, 2);
    const mid = Buffer.alloc(4);
    mid.writeInt32BE(16, 0);
    const tail = Buffer.alloc(4 + 1);
    tail.writeInt32BE(json.length + 1, 0);
    tail.writeUInt8(1, 4); // jsonb binary format version
    parts.push(head, dept, mid, uuid, tail, json);
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  parts.push(trailer);
  return Buffer.concat(parts);
}

async function copyRows(db: DataSource, table: string, data: Buffer): Promise<void> {
  const driver = db.driver as unknown as { master: { connect(): Promise<PoolClient> } };
  const client = await driver.master.connect();
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`COPY ${table} (department_id, event_id, data) FROM STDIN (FORMAT binary)`));
      stream.on('finish', () => resolve());
      stream.on('error', reject);
      stream.end(data);
    });
  } finally {
    client.release();
  }
}

/**
 * The ceilings of this stack in the same run, on the records of the end-to-end run (each canonical event with the
 * departments it reached), none with normalisation, authorization or masking:
 * - produce: the records through the hub's producer (idempotent, acks=all, batches of 2,000) to a topic of 12
 *   partitions, as the gateway publishes;
 * - consume: the topic read by a consumer group of 4 partitions at once, offsets committed, nothing written;
 * - limit (kafkajs `eachBatch` → multi-row `INSERT … ON CONFLICT DO NOTHING`): one row per entitled department;
 * - COPY: the same rows into a table with the same definition and index through binary `COPY … FROM STDIN`.
 */
export async function runCeilings(
  kafka: Kafka,
  db: DataSource,
  brokerPid: number,
  loaded?: LimitRecords,
): Promise<Ceiling[]> {
  const { events, rows: totalRows } = loaded ?? (await loadLimitRecords(db));
  const databaseUrl = (db.options as { url: string }).url;
  await new TopicAdmin(kafka).ensure([{ name: TOPIC, partitions: 12, retentionMs: 3600_000, cleanupPolicy: 'delete' }]);
  log(`${events.length} records, ${totalRows} rows`);
  const ceilings: Ceiling[] = [];

  ceilings.push(
    await measured(
      databaseUrl,
      'produce (hub producer, idempotent, acks=all)',
      brokerPid,
      events.length,
      0,
      async () => {
        const producer = new EventProducer(kafka);
        await producer.connect();
        const startedAt = Date.now();
        for (let i = 0; i < events.length; i += 2000) {
          await producer.send([
            {
              topic: TOPIC,
              messages: events.slice(i, i + 2000).map((e) => ({
                key: e.event_id,
                value: JSON.stringify(e.data),
                headers: { 'ajx-event-id': e.event_id, 'ajx-departments': e.departments.join(',') },
              })),
            },
          ]);
        }
        const finishedAt = Date.now();
        await producer.disconnect();
        return { startedAt, finishedAt };
      },
    ),
  );

  ceilings.push(
    await measured(databaseUrl, 'consume (eachBatch, commit, no writes)', brokerPid, events.length, 0, () =>
      consumeAll(kafka, events.length, () => Promise.resolve()),
    ),
  );

  await db.query(`DROP TABLE IF EXISTS bench_limit_rows`);
  await db.query(ROW_TABLE('bench_limit_rows'));
  ceilings.push(
    await measured(databaseUrl, 'limit (eachBatch → INSERT … ON CONFLICT)', brokerPid, events.length, totalRows, () =>
      consumeAll(kafka, events.length, async (batch) => {
        const dept: string[] = [];
        const ids: string[] = [];
        const data: string[] = [];
        for (const m of batch)
          for (const d of m.departments) {
            dept.push(d);
            ids.push(m.eventId);
            data.push(m.value);
          }
        await db.query(
          `INSERT INTO bench_limit_rows (department_id, event_id, data)
           SELECT * FROM unnest($1::text[], $2::uuid[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
          [dept, ids, data],
        );
      }),
    ),
  );
  await db.query(`DROP TABLE bench_limit_rows`);

  await db.query(`DROP TABLE IF EXISTS bench_copy_rows`);
  await db.query(ROW_TABLE('bench_copy_rows'));
  ceilings.push(
    await measured(databaseUrl, 'COPY (eachBatch → binary COPY FROM STDIN)', brokerPid, events.length, totalRows, () =>
      consumeAll(kafka, events.length, (batch) =>
        copyRows(
          db,
          'bench_copy_rows',
          binaryCopy(
            batch.flatMap((m) =>
              m.departments.map((department) => ({ department, eventId: m.eventId, value: m.value })),
            ),
          ),
        ),
      ),
    ),
  );
  const [{ n }] = await db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM bench_copy_rows`);
  if (n !== totalRows) throw new Error(`COPY wrote ${n} rows, expected ${totalRows}`);
  await db.query(`DROP TABLE bench_copy_rows`);
  return ceilings;
}
