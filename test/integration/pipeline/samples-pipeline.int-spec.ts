import fs from 'node:fs';
import path from 'node:path';
import { CanonicalStoreRepository } from '@ajx/canonical-store';
import { CanonicalHeaders, canonicalEventId, rawTopicName, Topics } from '@ajx/contracts';
import { createNormalizer, INSURER_MAPPINGS, type InsurerMapping } from '@ajx/domain';
import { EventProducer } from '@ajx/messaging';
import { NormalizationPipeline, RawReplayer } from '@ajx/normalization';
import { waitFor } from '@ajx/testing';
import { type ExpectedOutput, expectedOutputOf, getJson, sampleFiles, TestHub, upload } from '../support/hub';
import { readAll, waitCommittedToEnd } from '../support/kafka-read';

/*
 * Issue 5 on the real stack: every sample file goes gateway → Kafka → normaliser → canonical store; the store holds
 * exactly the expected canonical events and the batch reports exactly the expected rejects. Then: uploading again
 * changes nothing, versions delivered out of order keep the newest, a content-changed re-send is a
 * VERSION_CONFLICT, and a replay after a mapping change yields corrections.
 */

type Expected = ExpectedOutput;

const INSURERS = ['PICC', 'PINGAN', 'CPIC', 'DADI'];

const expectedOf = expectedOutputOf;

describe('normaliser pipeline and canonical store', () => {
  const hub = new TestHub('pipeline', { services: ['gateway', 'normalizer'] });
  const tokens: Record<string, string> = {};
  const batches: { insurer: string; file: string; batchId: string; expected: Expected[] }[] = [];

  beforeAll(async () => {
    await hub.start();
    for (const insurer of INSURERS)
      tokens[insurer] = await hub.principal({ id: insurer, type: 'insurer', name: insurer });
  });
  afterAll(() => hub.stop());

  const eventCount = async () =>
    (await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM canonical_events'))[0].n;

  async function report(insurer: string, batchId: string) {
    return (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}?limit=10000`, tokens[insurer])).body;
  }

  it('stores exactly the expected canonical events and reports exactly the expected rejects', async () => {
    for (const insurer of INSURERS) {
      for (const file of sampleFiles(insurer)) {
        const res = await upload(hub.url(), tokens[insurer], insurer, fs.readFileSync(file));
        const batchId = (res.body.batchId ?? (res.body.details as { batchId?: string } | undefined)?.batchId) as string;
        batches.push({ insurer, file, batchId, expected: expectedOf(insurer, file) });
      }
    }
    for (const b of batches) {
      await waitFor(async () => (await report(b.insurer, b.batchId)).complete || undefined, {
        what: `batch ${path.basename(b.file)} complete`,
        timeoutMs: 60000,
        intervalMs: 250,
      });
    }
    let accepted = 0;
    for (const b of batches) {
      const r = await report(b.insurer, b.batchId);
      const whole = b.expected.length === 1 && b.expected[0].recordIndex === 0;
      if (whole) {
        expect(r.rejects).toEqual([expect.objectContaining({ recordIndex: 0, code: b.expected[0].reject })]);
        continue;
      }
      const wantRejects = b.expected.flatMap((e, i) => (e.reject ? [{ recordIndex: i + 1, code: e.reject }] : []));
      expect(
        r.rejects.map((x: { recordIndex: number; code: string }) => ({ recordIndex: x.recordIndex, code: x.code })),
      ).toEqual(wantRejects);
      expect(r.normalized + r.duplicates).toBe(b.expected.length - wantRejects.length);

      for (const e of b.expected.filter((x) => !x.reject)) {
        const id = canonicalEventId(b.insurer, e.kind as 'policy', e.subject!, e.data!.version);
        const [row] = await hub.db.query<{ type: string; business_time: string; data: unknown }[]>(
          'SELECT type, business_time, data FROM canonical_events WHERE event_id = $1',
          [id],
        );
        expect({
          file: path.basename(b.file),
          subject: e.subject,
          type: row?.type,
          time: row?.business_time,
          data: row?.data,
        }).toEqual({
          file: path.basename(b.file),
          subject: e.subject,
          type: e.type,
          time: e.time,
          data: e.data,
        });
        accepted++;
      }
    }
    // Two records appear in two files with the same content: stored once.
    expect(await eventCount()).toBe(accepted - 2);
    const dlq = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dlq_entries`);
    const rejectedRecords = batches.reduce(
      (n, b) => n + (b.expected[0]?.recordIndex === 0 ? 0 : b.expected.filter((e) => e.reject).length),
      0,
    );
    expect(dlq[0].n).toBe(rejectedRecords);
  });

  it('changes nothing when every file is uploaded again', async () => {
    const before = await eventCount();
    const canonicalBefore = (await readAll(hub.kafka, hub.ns.topicPrefix + Topics.canonical)).length;
    for (const b of batches) {
      const res = await upload(hub.url(), tokens[b.insurer], b.insurer, fs.readFileSync(b.file));
      expect([200, 422]).toContain(res.status);
    }
    // Whatever the uploads put on the raw topics has been handled once the normaliser committed to their end.
    await waitCommittedToEnd(
      hub.kafka,
      `${hub.ns.topicPrefix}ajx.normalizer`,
      [...new Set(batches.map((b) => hub.ns.topicPrefix + rawTopicName(b.insurer)))],
      'the uploads again',
    );
    expect(await eventCount()).toBe(before);
    expect((await readAll(hub.kafka, hub.ns.topicPrefix + Topics.canonical)).length).toBe(canonicalBefore);
  });

  const policyLine = (seq: number, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({
      recordType: 'POLICY',
      bizType: seq === 0 ? 'NEW' : 'ENDORSE',
      seq,
      policyNo: 'PAAZ-ORDER-1',
      insured: {
        creditCode: '91330203126771476E',
        name: '宁波北仑化工股份有限公司',
        areaCode: '330203',
        industryCode: 'C2614',
        staffCount: 340,
        contactName: '林军',
        contactMobile: '13800000000',
      },
      insuredCount: 340,
      startDate: 1698681600000,
      endDate: 1730131200000,
      premiumFen: 20430267,
      limitPerPersonFen: 80000000,
      limitTotalFen: null,
      rateFactors: null,
      rateAdjustPct: null,
      preventionFeeFen: null,
      surrenderDate: null,
      bizTime: 1697598946000 + seq * 1000,
      ...extra,
    })}\n`;

  async function uploadAndSettle(body: string) {
    const res = await upload(hub.url(), tokens.PINGAN, 'PINGAN', body);
    expect(res.status).toBe(202);
    const batchId = res.body.batchId as string;
    return waitFor(
      async () => {
        const r = await report('PINGAN', batchId);
        return r.complete ? r : undefined;
      },
      { what: 'batch complete' },
    );
  }

  it('keeps the newest version when versions arrive out of order', async () => {
    await uploadAndSettle(policyLine(2));
    await uploadAndSettle(policyLine(1));
    const [rec] = await hub.db.query<{ version: number }[]>(
      `SELECT version FROM canonical_records WHERE insurer = 'PINGAN' AND kind = 'policy' AND subject = 'PAAZ-ORDER-1'`,
    );
    expect(rec.version).toBe(2);
    const stored = await hub.db.query<{ version: number }[]>(
      `SELECT version FROM canonical_events WHERE subject = 'PAAZ-ORDER-1' ORDER BY version`,
    );
    expect(stored.map((s) => s.version)).toEqual([1, 2]);
  });

  it('rejects a re-send of an accepted version with different content as VERSION_CONFLICT', async () => {
    const r = await uploadAndSettle(policyLine(2, { insuredCount: 341 }));
    expect(r.rejects).toEqual([expect.objectContaining({ recordIndex: 1, code: 'VERSION_CONFLICT' })]);
    const [dlq] = await hub.db.query<{ code: string }[]>(`SELECT code FROM dlq_entries WHERE batch_id = $1`, [
      r.batchId,
    ]);
    expect(dlq.code).toBe('VERSION_CONFLICT');
    const [stored] = await hub.db.query<{ data: { coverage: { insuredHeadcount: number } } }[]>(
      `SELECT data FROM canonical_events WHERE subject = 'PAAZ-ORDER-1' AND version = 2`,
    );
    expect(stored.data.coverage.insuredHeadcount).toBe(340);
  });

  it('turns a replay through a changed mapping into corrections, and an unchanged one into nothing', async () => {
    const pingan = batches.find((b) => b.insurer === 'PINGAN' && b.file.endsWith('s2-pingan.ndjson'))!;
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    try {
      const store = new CanonicalStoreRepository(hub.db);
      const unchanged = new RawReplayer(
        hub.kafka,
        new NormalizationPipeline(createNormalizer(), store, producer),
        hub.ns.topicPrefix,
      );
      const same = await unchanged.replay({ insurer: 'PINGAN', batchId: pingan.batchId });
      expect(same.matched).toBe(pingan.expected.length);
      expect(same.corrections).toBe(0);
      expect(same.normalized).toBe(0);

      // A "fixed" mapping: enterprise names now get a suffix (stands for any mapping change).
      const base = INSURER_MAPPINGS.PINGAN;
      const fixed: InsurerMapping = {
        ...base,
        version: `${base.version}+fix`,
        map: (fields, envelope, insurer) => {
          const m = base.map(fields, envelope, insurer);
          (m.record.enterprise as { name: string }).name += '（更正）';
          return m;
        },
      };
      const replayer = new RawReplayer(
        hub.kafka,
        new NormalizationPipeline(createNormalizer({ mappings: { PINGAN: fixed } }), store, producer),
        hub.ns.topicPrefix,
      );
      const result = await replayer.replay({ insurer: 'PINGAN', batchId: pingan.batchId });
      const acceptedInBatch = pingan.expected.filter((e) => !e.reject).length;
      expect(result.corrections).toBe(acceptedInBatch);
      const corrected = await hub.db.query<{ revision: number; name: string }[]>(
        `SELECT e.revision, e.data->'enterprise'->>'name' AS name FROM canonical_events e WHERE e.batch_id = $1`,
        [pingan.batchId],
      );
      expect(corrected.every((c) => c.revision === 1 && c.name.endsWith('（更正）'))).toBe(true);
      const messages = await readAll(hub.kafka, hub.ns.topicPrefix + Topics.canonical);
      expect(messages.filter((m) => m.headers[CanonicalHeaders.correction] === 'true')).toHaveLength(acceptedInBatch);
      const [{ n }] = await hub.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM canonical_corrections c JOIN canonical_events e USING (event_id) WHERE e.batch_id = $1`,
        [pingan.batchId],
      );
      expect(n).toBe(acceptedInBatch);
    } finally {
      await producer.disconnect();
    }
  });
});
