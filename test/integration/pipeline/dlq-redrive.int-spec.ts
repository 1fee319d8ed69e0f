import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CanonicalStoreRepository, DlqRepository } from '@ajx/canonical-store';
import { createNormalizer, INSURER_MAPPINGS, type InsurerMapping } from '@ajx/domain';
import { EventProducer } from '@ajx/messaging';
import { DlqRedriver, NormalizationPipeline } from '@ajx/normalization';
import { envOf, waitFor } from '@ajx/testing';
import { CommonConfig } from '@ajx/config';
import { getJson, TestHub, upload } from '../support/hub';
import { pinganHazardLine } from '../support/records';

/*
 * `ajx dlq list|redrive`: rejected records are listed by batch and code; after a mapping fix a redrive turns them
 * into canonical events, resolves their DLQ entries and updates the batch report — and a second redrive changes
 * nothing.
 */
const run = promisify(execFile);
const AJX = path.resolve(__dirname, '../../../bin/ajx.js');

describe('DLQ list and redrive', () => {
  const hub = new TestHub('dlq', { services: ['gateway', 'normalizer'] });
  let token: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PINGAN', type: 'insurer', name: 'PINGAN' });
  });
  afterAll(() => hub.stop());

  it('lists rejects by batch and code and redrives them after a fix', async () => {
    // Hazards whose level uses a code the mapping does not know yet ("SEVERE"): INVALID_ENUM.
    const line = (n: number) => pinganHazardLine('DLQ', n);
    const res = await upload(hub.url(), token, 'PINGAN', `${[1, 2, 3, 4, 5, 6].map(line).join('\n')}\n`);
    const batchId = res.body.batchId as string;
    await waitFor(
      async () => (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, token)).body.complete || undefined,
      { what: 'batch' },
    );

    const env = { ...process.env, ...envOf(hub.config(CommonConfig)) };
    const listed = await run(process.execPath, [AJX, 'dlq', 'list', '--batch', batchId, '--code', 'INVALID_ENUM'], {
      env,
    });
    const entries = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { recordIndex: number; code: string; rawValue: string });
    // Listed in rejection order (partitions interleave), so compare as a set.
    expect(entries.map((e) => e.recordIndex).sort()).toEqual([1, 3, 5]);
    expect(JSON.parse(entries.find((e) => e.recordIndex === 1)!.rawValue)).toMatchObject({
      recordIndex: 1,
      fields: { grade: 'SEVERE' },
    });

    // The fix: SEVERE is read as MAJOR.
    const base = INSURER_MAPPINGS.PINGAN;
    const fixed: InsurerMapping = {
      ...base,
      version: `${base.version}+severe`,
      map: (fields, envelope, insurer) =>
        base.map(fields.grade === 'SEVERE' ? { ...fields, grade: 'MAJOR' } : fields, envelope, insurer),
    };
    const producer = new EventProducer(hub.kafka, hub.ns.topicPrefix);
    await producer.connect();
    try {
      const pipeline = new NormalizationPipeline(
        createNormalizer({ mappings: { PINGAN: fixed } }),
        new CanonicalStoreRepository(hub.db),
        producer,
      );
      const redriver = new DlqRedriver(new DlqRepository(hub.db), pipeline);
      const first = await redriver.redrive({ batchId });
      expect(first).toMatchObject({ attempted: 3, normalized: 3, rejected: 0 });
      const again = await redriver.redrive({ batchId });
      expect(again.attempted).toBe(0);
    } finally {
      await producer.disconnect();
    }
    const report = (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, token)).body;
    expect(report).toMatchObject({ normalized: 6, rejected: 0, rejects: [] });
    const resolved = await run(process.execPath, [AJX, 'dlq', 'list', '--batch', batchId, '--status', 'resolved'], {
      env,
    });
    expect(resolved.stdout.trim().split('\n')).toHaveLength(3);
    const [{ n }] = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM canonical_events WHERE batch_id = $1`,
      [batchId],
    );
    expect(n).toBe(6);
  });
});
