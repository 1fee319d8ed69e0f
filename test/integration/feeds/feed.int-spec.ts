import { randomUUID } from 'node:crypto';
import { DeptProjectionWriter, type ViewChange } from '@ajx/dept-store';
import { dataSourceOptions } from '@ajx/persistence';
import { testDataSource } from '@ajx/testing';
import { DataSource } from 'typeorm';
import { getJson, TestHub } from '../support/hub';
import { openSse, type SseConnection } from '../support/sse';

/*
 * Issue 8, feeds on the real stack: the cursor feed under concurrent writers (parallel transactions with random
 * delays between taking the sequence and committing) never skips nor repeats; the SSE stream resumes from
 * Last-Event-ID and puts urgent entries first; cursors are validated and isolated; streams are limited.
 */

interface Entry {
  seq: number;
  cursor: string;
  entry: string;
  urgent: boolean;
  subject: string;
}

const DEPARTMENTS = ['feed-a', 'feed-b', 'feed-c', 'feed-d'];

function change(departmentId: string, subject: string, urgent = false): ViewChange {
  return {
    departmentId,
    entry: 'new',
    urgent,
    kind: 'hazard',
    insurer: 'PICC',
    subject,
    version: 1,
    eventId: randomUUID(),
    data: { hazardId: subject },
    action: 'reported',
    uscc: '91330106MA2B0X2K4A',
    region: '330102',
    sector: 'construction',
    status: 'open',
    level: urgent ? 'major' : 'general',
    businessTime: '2026-03-02T08:00:00+08:00',
    acceptedAt: new Date(),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('department feed: cursor, concurrency, stream', () => {
  const hub = new TestHub('feed', {
    services: ['gateway'],
    gateway: { AJX_FEED_STREAM_POLL_MS: 300, AJX_FEED_STREAM_HEARTBEAT_MS: 200, AJX_FEED_STREAMS_PER_DEPARTMENT: 2 },
  });
  const tokens = new Map<string, string>();
  let writers: DataSource;
  let writer: DeptProjectionWriter;

  beforeAll(async () => {
    await hub.start();
    for (const id of DEPARTMENTS) {
      tokens.set(
        id,
        await hub.principal({
          id,
          type: 'department',
          name: id,
          department: { kind: 'emergency', level: 'county', regionCode: '330102' },
        }),
      );
    }
    writers = new DataSource(dataSourceOptions({ url: hub.databaseUrl, poolSize: 10, applicationName: 'writers' }));
    await writers.initialize();
    writer = new DeptProjectionWriter(writers);
  });
  afterAll(async () => {
    await writers?.destroy();
    await hub.stop();
  });

  const page = async (dept: string, after: string | null, limit: number, extra = '') => {
    const r = await getJson(
      `${hub.url()}/v1/dept/feed?limit=${limit}${after ? `&after=${after}` : ''}${extra}`,
      tokens.get(dept)!,
    );
    expect(r.status).toBe(200);
    return r.body as { items: Entry[]; next: string; more: boolean };
  };

  it('never skips nor repeats an entry while writers commit concurrently and late', async () => {
    // Delays inside the writing transactions, after the sequence is taken and before it: commits arrive out of the
    // order the transactions started in.
    await hub.db.query(`
      CREATE FUNCTION test_random_delay() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(random() * 0.03); RETURN NULL; END $$`);
    await hub.db.query(
      `CREATE TRIGGER test_delay_feed AFTER INSERT ON dept_feed FOR EACH STATEMENT EXECUTE FUNCTION test_random_delay()`,
    );
    await hub.db.query(
      `CREATE TRIGGER test_delay_routed AFTER INSERT ON route_records FOR EACH STATEMENT EXECUTE FUNCTION test_random_delay()`,
    );
    const written = new Map<string, string[]>([
      ['feed-a', []],
      ['feed-b', []],
    ]);
    let done = false;
    const WRITERS = 6;
    const TRANSACTIONS = 25;
    const write = async (w: number) => {
      for (let t = 0; t < TRANSACTIONS; t++) {
        await sleep(Math.random() * 15);
        const changes: ViewChange[] = [];
        for (let j = 0; j < 1 + Math.floor(Math.random() * 3); j++) {
          const dept = Math.random() < 0.5 ? 'feed-a' : 'feed-b';
          const subject = `W${w}-T${t}-${j}`;
          changes.push(change(dept, subject, Math.random() < 0.1));
        }
        await writer.apply(changes, [
          { kind: 'hazard', insurer: 'PICC', subject: `W${w}-T${t}`, version: 1, eventId: randomUUID() },
        ]);
        for (const c of changes) written.get(c.departmentId)!.push(c.subject);
      }
    };

    // feed-a is read page by page through the API; feed-b through the SSE stream, reconnecting midway.
    const readPages = async () => {
      const seen: Entry[] = [];
      let after: string | null = null;
      for (;;) {
        const finished = done;
        const p = await page('feed-a', after, 7);
        seen.push(...p.items);
        after = p.next;
        if (finished && !p.more && p.items.length === 0) return seen;
        await sleep(Math.random() * 20);
      }
    };
    const readStream = async () => {
      const seen: Entry[] = [];
      let lastId: string | undefined;
      let conn: SseConnection = await openSse(`${hub.url()}/v1/dept/feed/stream`, tokens.get('feed-b')!);
      let reconnected = false;
      for (;;) {
        if (done && seen.length === written.get('feed-b')!.length) break;
        let ev;
        try {
          ev = await conn.next(1500);
        } catch {
          continue;
        }
        seen.push(JSON.parse(ev.data) as Entry);
        lastId = ev.id!;
        if (!reconnected && seen.length >= 20) {
          conn.close();
          reconnected = true;
          conn = await openSse(`${hub.url()}/v1/dept/feed/stream`, tokens.get('feed-b')!, { lastEventId: lastId });
        }
      }
      conn.close();
      return seen;
    };

    const pages = readPages();
    const stream = readStream();
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(w)));
    done = true;
    const [a, b] = await Promise.all([pages, stream]);
    await hub.db.query(`DROP TRIGGER test_delay_feed ON dept_feed; DROP TRIGGER test_delay_routed ON route_records`);

    // Pages: every entry exactly once, in sequence order 1..n.
    expect(a.map((e) => e.seq)).toEqual(a.map((_, i) => i + 1));
    expect(a.map((e) => e.subject).sort()).toEqual([...written.get('feed-a')!].sort());
    // Stream (with a reconnect): every entry exactly once.
    expect(b.map((e) => e.subject).sort()).toEqual([...written.get('feed-b')!].sort());
    expect(new Set(b.map((e) => e.seq)).size).toBe(b.length);
    expect(a.length + b.length).toBeGreaterThan(WRITERS * TRANSACTIONS);
  }, 120000);

  it('streams urgent entries ahead of pending ones and resumes exactly from Last-Event-ID', async () => {
    const dept = 'feed-c';
    const token = tokens.get(dept)!;
    // Backlog: seq 1–5 normal, 6 urgent, 7–9 normal, 10 urgent.
    for (let i = 1; i <= 10; i++) await writer.apply([change(dept, `C${i}`, i === 6 || i === 10)], []);

    const first = await openSse(`${hub.url()}/v1/dept/feed/stream`, token);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const got: Entry[] = [];
    let lastId = '';
    for (let i = 0; i < 3; i++) {
      const ev = await first.next();
      got.push(JSON.parse(ev.data) as Entry);
      lastId = ev.id!;
    }
    first.close();
    expect(got.map((e) => e.seq)).toEqual([6, 10, 1]);
    expect(got.slice(0, 2).every((e) => e.urgent)).toBe(true);

    const resumed = await openSse(`${hub.url()}/v1/dept/feed/stream`, token, { lastEventId: lastId });
    for (let i = 0; i < 7; i++) got.push(JSON.parse((await resumed.next()).data) as Entry);
    expect(got.map((e) => e.seq)).toEqual([6, 10, 1, 2, 3, 4, 5, 7, 8, 9]);

    // Live: new entries arrive without reconnecting (the urgent one of a commit first); heartbeats keep the idle
    // stream open.
    await writer.apply([change(dept, 'C11'), change(dept, 'C12', true)], []);
    got.push(JSON.parse((await resumed.next()).data) as Entry);
    got.push(JSON.parse((await resumed.next()).data) as Entry);
    expect(got.slice(10).map((e) => e.subject)).toEqual(['C12', 'C11']);
    await sleep(500);
    expect(resumed.comments.some((c) => c.startsWith(': keep-alive'))).toBe(true);
    resumed.close();

    // ?after= works like Last-Event-ID; the page API reads the urgent entries alone.
    const fromCursor = await openSse(`${hub.url()}/v1/dept/feed/stream?after=${got[9].cursor}`, token);
    // got[9] is seq 9: after it come 10 (already seen ahead here, but this cursor does not say so), 11, 12.
    expect(JSON.parse((await fromCursor.next()).data).seq).toBe(10);
    expect(JSON.parse((await fromCursor.next()).data).seq).toBe(12);
    expect(JSON.parse((await fromCursor.next()).data).subject).toBe('C11');
    fromCursor.close();
    const urgent = await page(dept, null, 100, '&urgent=true');
    expect(urgent.items.map((e) => e.seq)).toEqual([6, 10, 12]);
  }, 60000);

  it('validates cursors and isolates departments', async () => {
    const bad = await getJson(`${hub.url()}/v1/dept/feed?after=bm90LWEtY3Vyc29y`, tokens.get('feed-d')!);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');
    const badStream = await openSse(`${hub.url()}/v1/dept/feed/stream`, tokens.get('feed-d')!, {
      lastEventId: 'garbage',
    });
    expect(badStream.status).toBe(400);

    // feed-d's own feed has one entry; a cursor issued to another department is refused, by page and by stream.
    await writer.apply([change('feed-d', 'D1')], []);
    const cOwn = await page('feed-c', null, 3);
    const d = await page('feed-d', null, 100);
    expect(d.items.map((e) => e.subject)).toEqual(['D1']);
    const dWithCCursor = await getJson(
      `${hub.url()}/v1/dept/feed?after=${cOwn.items[0].cursor}`,
      tokens.get('feed-d')!,
    );
    expect(dWithCCursor.status).toBe(400);
    expect(dWithCCursor.body).toMatchObject({ code: 'INVALID_CURSOR', message: expect.stringContaining('feed-d') });
    const dStreamWithC = await openSse(`${hub.url()}/v1/dept/feed/stream`, tokens.get('feed-d')!, {
      lastEventId: cOwn.items[0].cursor,
    });
    expect(dStreamWithC.status).toBe(400);
    dStreamWithC.close();

    // The API role sees nothing without the department set: row-level security.
    const apiUrl = new URL(hub.databaseUrl);
    apiUrl.username = 'ajx_api';
    const api = await testDataSource(apiUrl.toString());
    try {
      expect(await api.query('SELECT count(*)::int AS n FROM dept_feed')).toEqual([{ n: 0 }]);
      await expect(api.query('SELECT secret FROM dept_webhooks')).rejects.toThrow(/permission denied/);
    } finally {
      await api.destroy();
    }

    const other = await getJson(`${hub.url()}/v1/dept/feed`, null);
    expect(other.status).toBe(401);
  });

  it('limits open streams per department', async () => {
    const token = tokens.get('feed-d')!;
    const a = await openSse(`${hub.url()}/v1/dept/feed/stream`, token);
    const b = await openSse(`${hub.url()}/v1/dept/feed/stream`, token);
    const c = await openSse(`${hub.url()}/v1/dept/feed/stream`, token);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    a.close();
    b.close();
    c.close();
  });
});
