import {
  buildCanonicalEvent,
  type CanonicalEvent,
  encodeCanonicalEventMessage,
  Topics,
  V1_RECORD_KINDS,
} from '@ajx/contracts';
import { CanonicalEventReader, EventProducer, toConsumed } from '@ajx/messaging';
import { waitFor } from '@ajx/testing';
import type { Consumer } from 'kafkajs';
import { Registry } from 'prom-client';
import { TestHub } from '../support/hub';
import { accidentRecord, claimRecord, eventFor } from '../support/records';

/*
 * Issue 24, schema evolution on the real stack: the canonical topic mixes events of data standard v1, of v2
 * (accidents, claims) and of a standard not written yet (a `finding` kind, a hazard schema v2), with a message that
 * does not decode at all among them. The router routes every event it knows, skips the others with a metric and a log
 * line, and commits to the end of the topic: nothing stalls. A v1-only reader (the kinds the previous release knew,
 * reading with the same rule) gets exactly the v1 events, in order, skips v2 ones, and keeps reading v1 events that
 * come after them.
 */

const REGION = '330102';
const DEPARTMENT = 'se-330102-emergency';

/** The message of `e`, with headers changed as a newer standard would write them. */
function message(e: CanonicalEvent, headers: Record<string, string> = {}, value?: string) {
  const m = encodeCanonicalEventMessage({ event: e, acceptedAt: new Date(), correction: false });
  return { key: m.key, value: value ?? m.value, headers: { ...m.headers, ...headers } };
}

describe('schema evolution: readers skip kinds and schema versions they do not know, never stalling', () => {
  const hub = new TestHub('schemaevo', { services: ['router'] });
  let producer: EventProducer;
  let v1Reader: Consumer | null = null;
  const topic = () => hub.ns.topicPrefix + Topics.canonical;

  const policy = eventFor('policy', 'SE-P1', REGION, 'construction');
  const hazard = eventFor('hazard', 'SE-H1', REGION, 'construction');
  const service = eventFor('service', 'SE-S1', REGION, 'construction');
  const accident = buildCanonicalEvent(
    'PICC',
    'accident',
    accidentRecord('SE-A1', REGION, 'construction'),
    '2026-03-01T10:00:00+08:00',
  );
  const claim = buildCanonicalEvent(
    'PICC',
    'claim',
    claimRecord('SE-C1', REGION, 'construction'),
    '2026-03-02T10:00:00+08:00',
  );
  // One enterprise (one key, one partition): the order below is the order every reader meets them in.
  const mixed = [
    message(policy),
    message(accident),
    message(eventFor('policy', 'SE-F1', REGION, 'construction'), {
      ce_dataschema: 'urn:ajx:finding:v1',
      ce_type: 'ajx.finding.raised',
    }),
    message(eventFor('hazard', 'SE-H2', REGION, 'construction'), { ce_dataschema: 'urn:ajx:hazard:v2' }),
    message(hazard),
    message(claim),
    message(eventFor('hazard', 'SE-X1', REGION, 'construction'), {}, 'not JSON at all'),
    message(service),
  ];

  const committedToEnd = async (groupId: string) => {
    const admin = hub.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic());
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic()] });
      return ends.every(
        (e) =>
          committed.partitions.find((p) => p.partition === e.partition)?.offset === (e.high === '0' ? '-1' : e.high),
      );
    } finally {
      await admin.disconnect();
    }
  };
  const metric = async (url: string, reason: string, consumer = 'router') => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('ajx_canonical_events_skipped_total{') &&
          l.includes(`reason="${reason}"`) &&
          l.includes(`consumer="${consumer}"`),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  beforeAll(async () => {
    await hub.start();
    await hub.principal({
      id: DEPARTMENT,
      type: 'department',
      name: '上城区应急管理局',
      department: { kind: 'emergency', level: 'county', regionCode: REGION },
    });
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM projection_jobs`))[0].n === 1 || undefined,
      { what: 'the router directory' },
    );
    producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    await producer.send([{ topic: Topics.canonical, messages: mixed }]);
  });
  afterAll(async () => {
    await v1Reader?.disconnect();
    await producer?.disconnect();
    await hub.stop();
  });

  it('routes every v1 and v2 event it knows, skips the rest with a metric, and commits to the end', async () => {
    const subjects = async () =>
      (
        await hub.db.query<{ subject: string }[]>(
          `SELECT subject FROM dept_views WHERE department_id = $1 ORDER BY 1`,
          [DEPARTMENT],
        )
      ).map((r) => r.subject);
    await waitFor(async () => (await subjects()).length === 5 || undefined, { what: 'five records routed' });
    await waitFor(async () => (await committedToEnd(`${hub.ns.topicPrefix}ajx.router`)) || undefined, {
      what: 'the router to commit the whole topic',
    });
    expect(await subjects()).toEqual(['SE-A1', 'SE-C1', 'SE-H1', 'SE-P1', 'SE-S1']);
    const url = hub.router!.url;
    expect(await metric(url, 'unknown-kind')).toBe(1);
    expect(await metric(url, 'unknown-schema-version')).toBe(1);
    expect(await metric(url, 'invalid')).toBe(1);
  });

  it('lets a v1-only reader take the v1 events in order, skip v2 ones, and keep reading after them', async () => {
    const metrics = new Registry();
    const warnings: string[] = [];
    const reader = new CanonicalEventReader({
      consumer: 'v1-reader',
      kinds: V1_RECORD_KINDS,
      metrics,
      logger: { warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) },
    });
    const seen: string[] = [];
    const groupId = `${hub.ns.topicPrefix}v1-reader`;
    v1Reader = hub.kafka.consumer({ groupId });
    await v1Reader.connect();
    await v1Reader.subscribe({ topic: topic(), fromBeginning: true });
    await v1Reader.run({
      eachBatch: (payload) => {
        const { batch } = payload;
        for (const m of batch.messages) {
          const read = reader.read(toConsumed(batch.topic, batch.partition, m));
          if (read) seen.push(read.event.subject);
          payload.resolveOffset(m.offset);
        }
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length === 3 || undefined, { what: 'the v1 events' });
    await waitFor(async () => (await committedToEnd(groupId)) || undefined, { what: 'the v1 reader to commit' });
    expect(seen).toEqual(['SE-P1', 'SE-H1', 'SE-S1']);
    // v1 events keep flowing after the v2 ones.
    const later = [
      eventFor('hazard', 'SE-H3', REGION, 'construction'),
      eventFor('policy', 'SE-P2', REGION, 'construction'),
    ];
    await producer.send([{ topic: Topics.canonical, messages: [message(accident), ...later.map((e) => message(e))] }]);
    await waitFor(() => seen.length === 5 || undefined, { what: 'the later v1 events' });
    expect(seen.slice(3)).toEqual(['SE-H3', 'SE-P2']);
    const skipped = (await metrics.getSingleMetric('ajx_canonical_events_skipped_total')!.get()).values;
    expect(Object.fromEntries(skipped.map((v) => [v.labels.reason, v.value]))).toEqual({
      'unknown-kind': 4,
      'unknown-schema-version': 1,
      invalid: 1,
    });
    expect(warnings.some((w) => w.includes('skipping urn:ajx:accident:v1 (unknown-kind'))).toBe(true);
    expect(warnings.some((w) => w.includes('skipping urn:ajx:claim:v1 (unknown-kind'))).toBe(true);
    // The router got the later events too (the accident again is a duplicate it drops).
    await waitFor(
      async () =>
        (
          await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dept_views WHERE department_id = $1`, [
            DEPARTMENT,
          ])
        )[0].n === 7 || undefined,
      { what: 'the router to route the later events' },
    );
  });
});
