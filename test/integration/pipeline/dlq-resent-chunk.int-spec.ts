import { randomUUID } from 'node:crypto';
import { type DlqEntryInput, DlqRepository } from '@ajx/canonical-store';
import { rawTopicName, Topics } from '@ajx/contracts';
import { EventProducer } from '@ajx/messaging';
import { waitFor } from '@ajx/testing';
import { getJson, TestHub, upload } from '../support/hub';
import { pinganHazardLine } from '../support/records';
import { readAll } from '../support/kafka-read';

/*
 * Found while building the chaos suite (docs/reliability.md): the gateway publishes an upload in chunks and records
 * its progress after Kafka acknowledged each one, so a gateway killed in between sends the chunk again. Its accepted
 * records are duplicates by event id; its rejected records must not become second DLQ entries (the DLQ was unique by
 * source offset only, and the copy has other offsets). Here the chunk is re-sent by hand, message for message.
 */
describe('a raw chunk sent twice', () => {
  const hub = new TestHub('resent', { services: ['gateway', 'normalizer'] });
  let token: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PINGAN', type: 'insurer', name: 'PINGAN' });
  });
  afterAll(() => hub.stop());

  it('leaves one DLQ entry per rejected record and the batch report as it was', async () => {
    const line = (n: number) => pinganHazardLine('RS', n);
    const res = await upload(hub.url(), token, 'PINGAN', `${[1, 2, 3, 4, 5, 6].map(line).join('\n')}\n`);
    expect(res.status).toBe(202);
    const batchId = res.body.batchId as string;
    const report = async () => (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, token)).body;
    const before = await waitFor(async () => ((await report()).complete ? report() : undefined), { what: 'batch' });
    expect(before).toMatchObject({ records: 6, normalized: 3, rejected: 3 });
    const dlqEntries = () =>
      hub.db.query<{ record_index: number; code: string }[]>(
        `SELECT record_index, code FROM dlq_entries WHERE batch_id = $1 ORDER BY record_index, id`,
        [batchId],
      );
    expect((await dlqEntries()).map((e) => e.record_index)).toEqual([1, 3, 5]);

    // The chunk again, as a restarted gateway re-sends it: same keys, values and headers, new offsets.
    const rawTopic = hub.ns.topicPrefix + rawTopicName('PINGAN');
    const chunk = await readAll(hub.kafka, rawTopic);
    expect(chunk).toHaveLength(6);
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    try {
      await producer.send([
        {
          topic: rawTopicName('PINGAN'),
          messages: chunk.map((m) => ({ key: m.key!.toString(), value: m.value!, headers: m.headers })),
        },
      ]);
    } finally {
      await producer.disconnect();
    }
    // Handled once the normaliser produced the copies' DLQ messages and committed past them.
    await waitFor(async () => (await readAll(hub.kafka, hub.ns.topicPrefix + Topics.dlq)).length === 6, {
      what: 'the copies normalised',
    });
    const admin = hub.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const ends = await admin.fetchTopicOffsets(rawTopic);
          const [committed] = await admin.fetchOffsets({
            groupId: `${hub.ns.topicPrefix}ajx.normalizer`,
            topics: [rawTopic],
          });
          return ends.every(
            (e) =>
              Number(committed.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) >= Number(e.high),
          );
        },
        { what: 'the normaliser committed past the copies' },
      );
    } finally {
      await admin.disconnect();
    }

    expect((await dlqEntries()).map((e) => e.record_index)).toEqual([1, 3, 5]);
    expect(await report()).toMatchObject({ records: 6, normalized: 3, rejected: 3, complete: true });
  });

  /*
   * Found by the cluster chaos run (docs/reliability.md, "Cluster run"): after a broker outage the normalisers had a
   * backlog, and the original chunk and the gateway's re-sent copy were handled in one slice — one INSERT, whose "no
   * entry yet" check could not see the rows of the same statement — or by two instances at once across a rebalance,
   * neither seeing the other's uncommitted entry. One entry per record of an upload is now a unique index.
   */
  it('keeps one entry per record when the copies meet in one slice or in two transactions at once', async () => {
    const dlq = new DlqRepository(hub.db);
    const batchId = randomUUID();
    const entry = (recordIndex: number, offset: number): DlqEntryInput => ({
      insurer: 'PINGAN',
      batchId,
      recordIndex,
      sourceId: `RS${recordIndex}`,
      code: 'MISSING_FIELD',
      message: 'missing',
      rawValue: Buffer.from(`record ${recordIndex}`),
      sourceTopic: 'ajx.raw.v1.PINGAN',
      sourcePartition: 0,
      sourceOffset: String(offset),
      acceptedAt: new Date(),
    });
    // The original (offsets 10, 11) and the copy (20, 21) in one slice.
    await hub.db.transaction((tx) => dlq.record(tx, [entry(1, 10), entry(2, 11), entry(1, 20), entry(2, 21)]));
    // Two instances at once: each writes a copy of record 3 in its own transaction, neither committed yet.
    const runner = hub.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await dlq.record(runner.manager, [entry(3, 30)]);
      const other = hub.db.transaction((tx) => dlq.record(tx, [entry(3, 40)]));
      await new Promise((r) => setTimeout(r, 300));
      await runner.commitTransaction();
      await other;
    } finally {
      await runner.release();
    }
    // The same offset delivered again is the same entry, one more attempt.
    await hub.db.transaction((tx) => dlq.record(tx, [entry(1, 10)]));
    const rows = await hub.db.query<{ record_index: number; source_offset: string; attempts: number }[]>(
      `SELECT record_index, source_offset, attempts FROM dlq_entries WHERE batch_id = $1 ORDER BY record_index`,
      [batchId],
    );
    expect(rows).toEqual([
      { record_index: 1, source_offset: '10', attempts: 2 },
      { record_index: 2, source_offset: '11', attempts: 1 },
      { record_index: 3, source_offset: '30', attempts: 1 },
    ]);
  });
});
