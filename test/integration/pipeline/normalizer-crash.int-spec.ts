import fs from 'node:fs';
import path from 'node:path';
import { Topics } from '@ajx/contracts';
import { waitFor } from '@ajx/testing';
import { NormalizerConfig } from '../../../apps/normalizer/src/normalizer.config';
import { spawnService } from '@ajx/testing';
import { getJson, sampleFiles, TestHub, upload } from '../support/hub';
import { readAll } from '../support/kafka-read';

/*
 * A normaliser killed (SIGKILL) after it produced a slice's canonical events but before it stored them and committed
 * its offsets: after a restart nothing is lost and nothing is duplicated in effect (store and views hold every
 * record once), even though the canonical topic carries the slice twice. Runs the compiled service as a process.
 */
describe('normaliser killed between producing and committing', () => {
  const hub = new TestHub('crash', { services: ['gateway', 'router'] });
  let token: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PINGAN', type: 'insurer', name: 'PINGAN' });
    await hub.principal({
      id: 'crash-emergency',
      type: 'department',
      name: '浙江省应急管理厅',
      department: { kind: 'emergency', level: 'province', regionCode: '330000' },
    });
    await hub.principal({
      id: 'crash-sd-emergency',
      type: 'department',
      name: '山东省应急管理厅',
      department: { kind: 'emergency', level: 'province', regionCode: '370000' },
    });
  });
  afterAll(() => hub.stop());

  it('loses nothing and duplicates nothing', async () => {
    const file = sampleFiles('PINGAN').find((f) => path.basename(f).startsWith('s2-'))!;
    const records = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim()).length;
    const res = await upload(hub.url(), token, 'PINGAN', fs.readFileSync(file));
    expect(res.status).toBe(202);
    const batchId = res.body.batchId as string;
    const config = hub.config(NormalizerConfig, { AJX_NORMALIZER_PORT: 0 });

    const crashing = spawnService('normalizer', config, {
      preload: path.join(__dirname, '../support/crash-after-produce.cjs'),
    });
    const { signal } = await crashing.exited;
    expect(signal).toBe('SIGKILL');
    expect(crashing.output()).toContain('crash-after-produce');
    const producedBeforeCrash = (await readAll(hub.kafka, hub.ns.topicPrefix + Topics.canonical)).length;
    expect(producedBeforeCrash).toBeGreaterThan(0);
    expect((await hub.db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM canonical_events'))[0].n).toBe(0);

    const normal = spawnService('normalizer', config);
    try {
      const report = await waitFor(
        async () => {
          const r = (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, token)).body;
          return r.complete ? r : undefined;
        },
        { what: 'batch complete after restart', timeoutMs: 90000, intervalMs: 500 },
      );
      expect(report).toMatchObject({ records, normalized: records, rejected: 0 });
    } finally {
      await normal.kill();
    }
    const [{ events, distinct }] = await hub.db.query<{ events: number; distinct: number }[]>(
      'SELECT count(*)::int AS events, count(DISTINCT (insurer, kind, subject, version))::int AS distinct FROM canonical_events',
    );
    expect(events).toBe(records);
    expect(distinct).toBe(records);
    // The canonical topic got the crashed slice twice; the router applied it once.
    expect((await readAll(hub.kafka, hub.ns.topicPrefix + Topics.canonical)).length).toBe(
      records + producedBeforeCrash,
    );
    const [{ records: entitledRecords }] = await hub.db.query<{ records: number }[]>(
      `SELECT count(*)::int AS records FROM canonical_records WHERE region LIKE '33%' OR region LIKE '37%'`,
    );
    expect(entitledRecords).toBeGreaterThan(0);
    const views = await waitFor(
      async () => {
        const [v] = await hub.db.query<{ rows: number; feed: number; distinctFeed: number }[]>(
          `SELECT (SELECT count(*)::int FROM dept_views) AS rows, (SELECT count(*)::int FROM dept_feed) AS feed,
                  (SELECT count(DISTINCT (department_id, event_id, entry))::int FROM dept_feed) AS "distinctFeed"`,
        );
        return v.rows === entitledRecords ? v : undefined;
      },
      { what: 'each record once in the views', timeoutMs: 30000 },
    );
    expect(views.feed).toBe(views.distinctFeed);
  });
});
