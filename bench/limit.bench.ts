import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { TopicAdmin, EventProducer } from '@ajx/messaging';

export interface LimitResult {
  records: number;
  rows: number;
  seconds: number;
  recordsPerSecond: number;
  rowsPerSecond: number;
}

const TOPIC = 'bench.limit';
const log = (msg: string) => process.stderr.write(`[bench:limit] ${msg}\n`);

/**
 * The ceiling of this stack: the same records (the canonical events of the e2e run, with the departments each one
 * reached) through kafkajs `eachBatch` straight into PostgreSQL — one row per entitled department, one multi-row
 * INSERT per batch, offsets committed after the write — with no normalisation, authorization or masking.
 */
export async function runLimit(
  kafka: Kafka,
  db: DataSource,
  opts: { concurrency?: number } = {},
): Promise<LimitResult> {
  const events = await db.query<{ event_id: string; data: unknown; departments: string[] }[]>(
    `SELECT e.event_id, e.data, array_agg(DISTINCT f.department_id) AS departments
     FROM canonical_events e JOIN dept_feed f ON f.event_id = e.event_id GROUP BY e.event_id, e.data`,
  );
  if (events.length === 0) throw new Error('no routed events to replay for the limit');
  await db.query(`DROP TABLE IF EXISTS bench_limit_rows`);
  await db.query(`CREATE TABLE bench_limit_rows (department_id text NOT NULL, event_id uuid NOT NULL, data jsonb NOT NULL,
    PRIMARY KEY (department_id, event_id))`);
  await new TopicAdmin(kafka).ensure([{ name: TOPIC, partitions: 12, retentionMs: 3600_000, cleanupPolicy: 'delete' }]);
  const producer = new EventProducer(kafka);
  await producer.connect();
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
  await producer.disconnect();
  const totalRows = events.reduce((n, e) => n + e.departments.length, 0);
  log(`${events.length} records, ${totalRows} rows queued`);

  const consumer = kafka.consumer({ groupId: `bench-limit-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let records = 0;
  let rows = 0;
  let started = 0;
  const done = new Promise<number>((resolve, reject) => {
    void consumer
      .run({
        autoCommit: false,
        partitionsConsumedConcurrently: opts.concurrency ?? 4,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (!started) started = Date.now();
          const dept: string[] = [];
          const ids: string[] = [];
          const data: string[] = [];
          for (const m of batch.messages) {
            const eventId = m.headers?.['ajx-event-id']?.toString() ?? '';
            const value = m.value?.toString() ?? 'null';
            for (const d of (m.headers?.['ajx-departments']?.toString() ?? '').split(',')) {
              dept.push(d);
              ids.push(eventId);
              data.push(value);
            }
          }
          await db.query(
            `INSERT INTO bench_limit_rows (department_id, event_id, data)
             SELECT * FROM unnest($1::text[], $2::uuid[], $3::jsonb[]) ON CONFLICT DO NOTHING`,
            [dept, ids, data],
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
          rows += dept.length;
          if (records >= events.length) resolve(Date.now());
        },
      })
      .catch(reject);
  });
  const finished = await done;
  await consumer.disconnect();
  const seconds = (finished - started) / 1000;
  await db.query(`DROP TABLE bench_limit_rows`);
  return {
    records,
    rows,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Math.round(records / seconds),
    rowsPerSecond: Math.round(rows / seconds),
  };
}
