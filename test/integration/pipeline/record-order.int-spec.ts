import { rawTopicName } from '@ajx/contracts';
import { fullWidth, simulateFile } from '@ajx/simulation';
import { waitFor } from '@ajx/testing';
import * as iconv from 'iconv-lite';
import { getJson, TestHub, upload } from '../support/hub';
import { readAll } from '../support/kafka-read';

/*
 * Found by the chaos suite (docs/reliability.md): an insurer's system writes the id of one record in several ways —
 * here the middle version of a policy carries its number in full-width characters, as real files do. The raw topic
 * is keyed by the id as the standard normalises it, so every version shares one partition and is normalised in file
 * order; keyed by the id as written, the full-width version went to another partition, could be normalised after the
 * next version, and the router then dropped it as stale: the departments' feeds missed that version.
 */
describe('versions of a record whose id is written in several ways', () => {
  const hub = new TestHub('recorder', { services: ['gateway', 'normalizer', 'router'] });
  let token: string;

  beforeAll(async () => {
    await hub.start();
    token = await hub.principal({ id: 'PICC', type: 'insurer', name: 'PICC' });
    await hub.principal({
      id: 'order-zj-emergency',
      type: 'department',
      name: '浙江省应急管理厅',
      department: { kind: 'emergency', level: 'province', regionCode: '330000' },
    });
    // The router must know the department before the file arrives, or versions routed before it did reach the
    // department only as the record's state at its re-projection (the hand-over, docs/reliability.md), not one by one.
    await waitFor(
      async () =>
        (
          await hub.db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM projection_jobs WHERE department_id = 'order-zj-emergency' AND status = 'done'`,
          )
        )[0].n === 1 || undefined,
      { what: 'the router knows the department (its re-projection done)' },
    );
  });
  afterAll(() => hub.stop());

  it('keeps them on one partition, in order, each in the feed once', async () => {
    const sim = simulateFile({
      insurer: 'PICC',
      seed: 'record-order',
      records: 80,
      kind: 'policy',
      regionPrefixes: ['33'],
    });
    const versions = new Map<string, number[]>();
    for (const o of sim.outcomes()) {
      if (o.ok) versions.set(o.event.subject, [...(versions.get(o.event.subject) ?? []), o.event.sourceversion]);
    }
    const [subject, all] = [...versions].find(([, v]) => v.length >= 3)!;
    const middle = all[1];
    const text = iconv.decode(await sim.bytes(), 'gb18030');
    const written = text.replace(`,${subject},${middle},`, `,${fullWidth(subject)},${middle},`);
    expect(written).not.toBe(text);

    const res = await upload(hub.url(), token, 'PICC', iconv.encode(written, 'gb18030'));
    expect(res.status).toBe(202);
    const batchId = res.body.batchId as string;
    await waitFor(async () => (await getJson(`${hub.url()}/v1/ingest/batches/${batchId}`, token)).body.complete, {
      what: 'the batch normalised',
      timeoutMs: 60000,
    });

    const raw = (await readAll(hub.kafka, hub.ns.topicPrefix + rawTopicName('PICC'))).filter(
      (m) => (m.value?.toString() ?? '').includes(fullWidth(subject)) || m.key?.toString() === subject,
    );
    expect(raw).toHaveLength(all.length);
    expect(new Set(raw.map((m) => m.key?.toString()))).toEqual(new Set([subject]));
    expect(new Set(raw.map((m) => m.partition)).size).toBe(1);

    const feed = await waitFor(
      async () => {
        const rows = await hub.db.query<{ version: number }[]>(
          `SELECT version FROM dept_feed WHERE department_id = 'order-zj-emergency' AND subject = $1 ORDER BY seq`,
          [subject],
        );
        return rows.length >= all.length ? rows : undefined;
      },
      { what: 'every version in the feed' },
    );
    expect(feed.map((r) => r.version)).toEqual(all);
  });
});
