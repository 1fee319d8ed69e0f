import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { adapterBatchId } from '@ajx/contracts';
import { insurerKafkaUser } from '@ajx/messaging';
import { startService, type StartedService, testRuntime, waitFor } from '@ajx/testing';
import { AdapterConfig } from '../../../apps/adapter/src/adapter.config';
import { adapterService } from '../../../apps/adapter/src/adapter.service-definition';
import { expectedOutputOf, getJson, sampleFiles, TestHub } from '../support/hub';
import { provisionKafkaUsers } from '../support/kafka-users';

/*
 * Issue 21, item 6: a file published by an insurer's Kafka adapter gets the same batch report as an upload. The
 * adapter announces its file (records, SHA-256, bytes, name) on each record; the normaliser registers the batch in
 * the transaction that records the outcomes; the insurer reads the report through the API, another insurer gets the
 * answer of a batch that does not exist.
 */
describe('batch reports of adapter files', () => {
  const hub = new TestHub('adapterreport', { services: ['gateway', 'normalizer'] });
  const tokens: Record<string, string> = {};
  let runner: StartedService;
  let dropDir: string;

  beforeAll(async () => {
    await hub.start();
    for (const insurer of ['PICC', 'PINGAN']) {
      tokens[insurer] = await hub.principal({ id: insurer, type: 'insurer', name: `${insurer} 保险` });
    }
    const userPrefix = `${hub.ns.id}-`;
    const { file: passwordFile } = provisionKafkaUsers(hub.dir, hub.ns.topicPrefix, userPrefix, ['PICC']);
    dropDir = path.join(hub.dir, 'drop-PICC');
    runner = await startService(
      adapterService,
      hub.config(AdapterConfig, {
        AJX_KAFKA_BROKERS: testRuntime().saslBrokers,
        AJX_KAFKA_SASL_MECHANISM: 'scram-sha-512',
        AJX_KAFKA_USERNAME: insurerKafkaUser('PICC', userPrefix),
        AJX_KAFKA_PASSWORD_FILE: passwordFile,
        AJX_ADAPTER_INSURER: 'PICC',
        AJX_ADAPTER_DROP_DIR: dropDir,
        AJX_ADAPTER_PORT: 0,
        AJX_ADAPTER_SETTLE_MS: 200,
        AJX_ADAPTER_POLL_MS: 100,
        AJX_ADAPTER_CHUNK_RECORDS: 3,
      }),
    );
  });
  afterAll(async () => {
    await runner?.close();
    await hub.stop();
  });

  it('reports every record of the file to its insurer, counts and rejects, and hides it from another insurer', async () => {
    // A sample with rejects among its records (not one rejected as a whole).
    const file = sampleFiles('PICC').find((f) => {
      const expected = expectedOutputOf('PICC', f);
      return expected.some((e) => e.reject) && !(expected.length === 1 && expected[0].recordIndex === 0);
    })!;
    const expected = expectedOutputOf('PICC', file);
    const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const batchId = adapterBatchId('PICC', sha256);
    fs.mkdirSync(path.join(dropDir, 'incoming'), { recursive: true });
    fs.copyFileSync(file, path.join(dropDir, 'incoming', path.basename(file)));

    const report = await waitFor(
      async () => {
        const r = await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, tokens.PICC);
        return r.status === 200 && r.body.complete ? r.body : undefined;
      },
      { what: 'the adapter batch report, complete', timeoutMs: 60_000, intervalMs: 250 },
    );
    const rejects = expected.flatMap((e, i) => (e.reject ? [{ recordIndex: i + 1, code: e.reject }] : []));
    expect(report).toMatchObject({
      batchId,
      insurer: 'PICC',
      status: 'published',
      records: expected.length,
      published: expected.length,
      normalized: expected.length - rejects.length,
      duplicates: 0,
      rejected: rejects.length,
      complete: true,
    });
    expect(
      report.rejects.map((r: { recordIndex: number; code: string }) => ({ recordIndex: r.recordIndex, code: r.code })),
    ).toEqual(rejects);
    // The row says where it came from: no stored upload to purge or back up.
    const [row] = await hub.db.query<{ source: string; filename: string; upload_path: string }[]>(
      `SELECT source, filename, upload_path FROM ingest_batches WHERE batch_id = $1`,
      [batchId],
    );
    expect(row).toEqual({ source: 'adapter', filename: path.basename(file), upload_path: '' });

    // Another insurer: exactly the answer for a batch that does not exist.
    const other = await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, tokens.PINGAN);
    const missing = await getJson(`${hub.url()}/v1/ingest/batches/00000000-0000-5000-8000-000000000000`, tokens.PINGAN);
    expect(other.status).toBe(404);
    expect({ ...other.body, message: undefined, requestId: undefined }).toEqual({
      ...missing.body,
      message: undefined,
      requestId: undefined,
    });
  });
});
