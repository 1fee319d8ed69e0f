import {
  addDaysToDate,
  buildReconciliationReport,
  decodeCursor,
  encodeCursor,
  type ManifestItem,
  type PullPage,
  requestTargetPayload,
  signRequest,
  tallyByDate,
  beijingDateOf,
} from '@ajx/interchange-protocol';
import { InterchangeStateRepository } from '@ajx/interchange-store';
import { getJson, TestHub } from '../support/hub';
import { interchangeEvents, SD_ENTERPRISES, storeEvents } from '../support/interchange';

/*
 * The hub's interchange API in the gateway: the province pulls its own events only (by bearer token or a request
 * signed with its endpoint key), reads daily manifests, reports mismatches (which schedule a re-send of the day to
 * the signing endpoint), and the must-insure register is submitted (province: whole province; department: its
 * jurisdiction and sectors), validated line by line, versioned, queried within scope and audited.
 */

const ZJ_KEY = { keyId: 'zj-2025', secret: 'zj-shared-secret-for-the-api-test-0123456789' };
const SD_KEY = { keyId: 'sd-2025', secret: 'sd-shared-secret-for-the-api-test-0123456789' };
const PULL_KEY = { keyId: 'zj-pull-2025', secret: 'zj-pull-only-secret-for-the-api-test-012345' };

describe('gateway interchange API and must-insure register', () => {
  const hub = new TestHub('ichgapi', {
    services: ['gateway'],
    gateway: {
      AJX_INTERCHANGE_SENDER: 'hub-test',
      AJX_INTERCHANGE_MAX_RESENDS_PER_DAY: 2,
      AJX_INTERCHANGE_ENDPOINTS: JSON.stringify([
        { id: 'zj', url: 'http://127.0.0.1:9', province: '33', principal: 'api-zj', mode: 'realtime', ...ZJ_KEY },
        { id: 'zj-pull', province: '33', principal: 'api-zj', mode: 'off', ...PULL_KEY },
        { id: 'sd', url: 'http://127.0.0.1:9', province: '37', principal: 'api-sd', mode: 'realtime', ...SD_KEY },
      ]),
    },
  });
  const tokens: Record<string, string> = {};
  const zjEvents = interchangeEvents(1200, { prefix: 'API' });
  const sdEvents = interchangeEvents(200, { prefix: 'APISD', enterprises: SD_ENTERPRISES });
  const acceptedAt = new Date(Date.now() - 86_400_000);
  const day = beijingDateOf(acceptedAt);

  const signedGet = (path: string, key = ZJ_KEY) =>
    fetch(`${hub.url()}${path}`, { headers: signRequest(key, requestTargetPayload('GET', path)) });
  const signedPost = (path: string, body: string, key = ZJ_KEY, headers: Record<string, string> = {}) =>
    fetch(`${hub.url()}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signRequest(key, body), ...headers },
      body,
    });
  const put = (path: string, token: string, body: string, type = 'application/x-ndjson') =>
    fetch(`${hub.url()}${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body,
    });

  beforeAll(async () => {
    await hub.start();
    tokens.zj = await hub.principal({ id: 'api-zj', type: 'province', name: '浙江省', regionCode: '330000' });
    tokens.sd = await hub.principal({ id: 'api-sd', type: 'province', name: '山东省', regionCode: '370000' });
    tokens.dept = await hub.principal({
      id: 'api-hz-xihu-emergency',
      type: 'department',
      name: '杭州市西湖区应急管理局',
      department: { kind: 'emergency', level: 'county', regionCode: '330106' },
    });
    tokens.construction = await hub.principal({
      id: 'api-hz-construction',
      type: 'department',
      name: '杭州市住建局',
      department: { kind: 'construction', level: 'city', regionCode: '330100' },
    });
    tokens.insurer = await hub.principal({ id: 'PICC', type: 'insurer', name: 'PICC' });
    tokens.ops = await hub.principal({ id: 'api-ops', type: 'operator', name: 'ops' });
    for (let i = 0; i < zjEvents.length; i += 400) {
      await storeEvents(hub.db, zjEvents.slice(i, i + 400), acceptedAt);
      if (i === 400) await storeEvents(hub.db, sdEvents, acceptedAt);
    }
  });
  afterAll(() => hub.stop());

  describe('pull', () => {
    const pullAll = async (fetchPage: (path: string) => Promise<Response>) => {
      const entries: PullPage['entries'] = [];
      let after = '';
      for (let pages = 0; pages < 100; pages++) {
        const path = `/v1/interchange/events?${after ? `after=${after}&` : ''}limit=250`;
        const res = await fetchPage(path);
        expect(res.status).toBe(200);
        const page = (await res.json()) as PullPage;
        entries.push(...page.entries);
        after = page.next;
        if (!page.hasMore) return { entries, next: page.next };
      }
      throw new Error('too many pages');
    };

    it('gives the province its own events, in seq order, once, by signed request or bearer token', async () => {
      const signed = await pullAll((p) => signedGet(p));
      expect(signed.entries.map((e) => e.event.id).sort()).toEqual(zjEvents.map((e) => e.id).sort());
      const seqs = signed.entries.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(signed.entries.every((e) => e.event.region.startsWith('33') && e.acceptedDate === day)).toBe(true);
      const byToken = await pullAll((p) =>
        fetch(`${hub.url()}${p}`, { headers: { authorization: `Bearer ${tokens.zj}` } }),
      );
      expect(byToken.entries).toEqual(signed.entries);
      // A key of another endpoint of the same province reads the same; nothing more is there after `next`.
      const viaPullKey = await pullAll((p) => signedGet(p, PULL_KEY));
      expect(viaPullKey.entries.length).toBe(zjEvents.length);
      const rest = (await (await signedGet(`/v1/interchange/events?after=${signed.next}`)).json()) as PullPage;
      expect(rest).toMatchObject({ entries: [], hasMore: false, next: signed.next });
    });

    it("never shows another province's events", async () => {
      const sd = await pullAll((p) => signedGet(p, SD_KEY));
      expect(sd.entries.map((e) => e.event.id).sort()).toEqual(sdEvents.map((e) => e.id).sort());
      const byToken = await getJson(`${hub.url()}/v1/interchange/events?limit=1000`, tokens.sd);
      expect((byToken.body as PullPage).entries.every((e) => e.event.region.startsWith('37'))).toBe(true);
      // A cursor taken from the other province's stream only skips ahead in one's own.
      const zjAfterSd = (await (
        await signedGet(`/v1/interchange/events?after=${sd.next}&limit=1000`)
      ).json()) as PullPage;
      expect(zjAfterSd.entries.every((e) => e.event.region.startsWith('33') && e.seq > decodeCursor(sd.next))).toBe(
        true,
      );
    });

    it('refuses other principals, bad signatures, replays and bad cursors', async () => {
      expect((await getJson(`${hub.url()}/v1/interchange/events`, tokens.dept)).status).toBe(403);
      expect((await getJson(`${hub.url()}/v1/interchange/events`, tokens.insurer)).status).toBe(403);
      expect((await getJson(`${hub.url()}/v1/interchange/events`, tokens.ops)).status).toBe(403);
      expect((await getJson(`${hub.url()}/v1/interchange/events`, null)).status).toBe(401);

      const path = '/v1/interchange/events?limit=5';
      const headers = signRequest(ZJ_KEY, requestTargetPayload('GET', path));
      expect((await fetch(`${hub.url()}${path}`, { headers })).status).toBe(200);
      const replay = await fetch(`${hub.url()}${path}`, { headers });
      expect(replay.status).toBe(401);
      expect(await replay.json()).toMatchObject({ code: 'REPLAYED', retryable: true });
      // The signature covers the query: another cursor under the same signature is refused.
      const moved = await fetch(`${hub.url()}/v1/interchange/events?limit=6`, {
        headers: signRequest(ZJ_KEY, requestTargetPayload('GET', path)),
      });
      expect(await moved.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' });
      const unknown = await signedGet(path, { keyId: 'nobody', secret: ZJ_KEY.secret });
      expect(await unknown.json()).toMatchObject({ code: 'UNKNOWN_KEY' });
      const stale = await fetch(`${hub.url()}${path}`, {
        headers: signRequest(ZJ_KEY, requestTargetPayload('GET', path), Date.now() - 400_000),
      });
      expect(await stale.json()).toMatchObject({ code: 'TIMESTAMP_OUT_OF_WINDOW', retryable: true });

      const bad = await signedGet(`/v1/interchange/events?after=${encodeCursor(5).slice(0, -2)}AA`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ code: 'INVALID_CURSOR' });
      expect((await signedGet('/v1/interchange/events?limit=0')).status).toBe(400);
    });

    it('is audited', async () => {
      const [{ n }] = await hub.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'interchange.pull' AND actor = 'api-zj'`,
      );
      expect(n).toBeGreaterThan(0);
      const [{ refused }] = await hub.db.query<{ refused: number }[]>(
        `SELECT count(*)::int AS refused FROM audit_entries WHERE action = 'auth.refused' AND details->>'reason' = 'REPLAYED'`,
      );
      expect(refused).toBeGreaterThan(0);
    });
  });

  describe('manifests and reconciliation', () => {
    it('serves the manifest of a day, equal to the one computed from the events', async () => {
      const res = await signedGet(`/v1/interchange/manifests/${day}`);
      expect(res.status).toBe(200);
      const manifest = (await res.json()) as { cells: unknown[]; province: string; sender: string };
      const items: ManifestItem[] = zjEvents.map((e) => ({
        insurer: e.insurer,
        kind: e.dataschema.split(':')[2] as ManifestItem['kind'],
        eventId: e.id,
        acceptedDate: day,
      }));
      expect(manifest).toMatchObject({ province: '33', sender: 'hub-test', cells: tallyByDate(items)[0].cells });
      expect((await getJson(`${hub.url()}/v1/interchange/manifests/2025-02-30`, tokens.zj)).status).toBe(400);
    });

    it('schedules a re-send of the reported day to the signing endpoint, joins an open one, and caps them', async () => {
      // Each report differs (reportedAt), so none is a replay of another signed in the same second.
      let reports = 0;
      const report = (date = day, province = '33') =>
        JSON.stringify(
          buildReconciliationReport({
            date,
            province,
            reportedAt: Date.now() - ++reports * 1000,
            cells: [
              {
                date,
                insurer: 'PICC',
                kind: 'policy',
                expected: { count: 2, digest: 'a'.repeat(64) },
                actual: { count: 1, digest: 'b'.repeat(64) },
              },
            ],
          }),
        );
      const path = `/v1/interchange/reconciliation/${day}`;
      const first = await signedPost(path, report());
      expect(first.status).toBe(202);
      expect(await first.json()).toEqual({ date: day, resend: 'scheduled' });
      expect((await signedPost(path, report())).status).toBe(202);
      const state = new InterchangeStateRepository(hub.db);
      expect(await state.resends('zj')).toEqual([
        expect.objectContaining({ date: day, attempt: 1, status: 'pending', requestedBy: 'api-zj' }),
      ]);
      // Done, then asked again: attempt 2; then the cap (2 per day) refuses a third.
      await hub.db.query(`UPDATE interchange_resends SET status = 'done' WHERE endpoint_id = 'zj'`);
      expect((await signedPost(path, report())).status).toBe(202);
      await hub.db.query(`UPDATE interchange_resends SET status = 'done' WHERE endpoint_id = 'zj'`);
      const capped = await signedPost(path, report());
      expect(capped.status).toBe(409);
      expect(await capped.json()).toMatchObject({ code: 'RESEND_REFUSED', retryable: false });
      expect((await state.resends('zj')).map((r) => r.attempt)).toEqual([1, 2]);

      // A bearer token is not enough (the key names the endpoint), nor a report about another day or province.
      const unsigned = await fetch(`${hub.url()}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.zj}`, 'content-type': 'application/json' },
        body: report(),
      });
      expect(unsigned.status).toBe(401);
      expect(await unsigned.json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
      expect(await (await signedPost(path, report('2025-01-01'))).json()).toMatchObject({ code: 'INVALID_REPORT' });
      expect(await (await signedPost(path, report(day, '37'))).json()).toMatchObject({ code: 'WRONG_PROVINCE' });
      expect(await (await signedPost(path, '{"date":')).json()).toMatchObject({ code: 'MALFORMED_JSON' });
      const pullOnly = await signedPost(path, report(), PULL_KEY);
      expect(pullOnly.status).toBe(409);
      expect(await pullOnly.json()).toMatchObject({ code: 'RESEND_REFUSED' });
      const sdAboutZj = await signedPost(path, report(), SD_KEY);
      expect(await sdAboutZj.json()).toMatchObject({ code: 'WRONG_PROVINCE' });
    });

    it('refuses reports of days that are not closed yet or older than the window (issue 23), re-sending nothing', async () => {
      const today = beijingDateOf(Date.now());
      const tooOld = addDaysToDate(today, -1 - 90 - 1);
      const state = new InterchangeStateRepository(hub.db);
      const before = await state.resends('zj');
      for (const date of [today, addDaysToDate(today, 1), '2099-01-01', tooOld]) {
        const body = JSON.stringify(
          buildReconciliationReport({
            date,
            province: '33',
            reportedAt: Date.now(),
            cells: [
              {
                date,
                insurer: 'PICC',
                kind: 'policy',
                expected: { count: 2, digest: 'a'.repeat(64) },
                actual: { count: 1, digest: 'b'.repeat(64) },
              },
            ],
          }),
        );
        const res = await signedPost(`/v1/interchange/reconciliation/${date}`, body);
        expect([date, res.status, await res.json()]).toEqual([
          date,
          400,
          expect.objectContaining({ code: 'DATE_OUT_OF_RANGE', message: expect.stringContaining(date) }),
        ]);
      }
      expect(await state.resends('zj')).toEqual(before);
    });
  });

  describe('must-insure register', () => {
    const line = (o: Record<string, unknown>) => JSON.stringify(o);
    const zjRegister = [
      { uscc: '9133010600000000B2', name: '杭州西湖燃气有限公司', regionCode: '330106', sector: 'city_gas' },
      {
        uscc: '9133010600000000C5',
        name: '杭州西湖建设集团',
        regionCode: '330106',
        sector: 'construction',
        employeeCount: 300,
      },
      { uscc: '9133011400000000EX', name: '杭州钱塘危化品储运', regionCode: '330114', sector: 'hazardous_chemicals' },
      {
        uscc: '9133010200000000FL',
        name: '杭州上城机械厂',
        regionCode: '330102',
        sector: 'machinery',
        industryCode: 'C3411',
        alternative: 'risk_deposit',
      },
    ];

    it('takes the province register as version 1, the county compilation as version 2, and answers within scope', async () => {
      const res = await put('/v1/interchange/register', tokens.zj, `${zjRegister.map(line).join('\n')}\n`);
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({
        version: 1,
        source: 'province',
        submittedBy: 'api-zj',
        scopeRegion: '33',
        scopeSectors: null,
        entries: 4,
        added: 4,
        removed: 0,
      });
      // The Xihu county compilation replaces Xihu's part: one enterprise stays, one leaves, one joins.
      const county = [
        zjRegister[0],
        { uscc: '9133010600000000D8', name: '杭州西湖烟花仓库', regionCode: '330106', sector: 'fireworks' },
      ];
      const res2 = await put('/v1/dept/register', tokens.dept, county.map(line).join('\r\n'));
      expect(res2.status).toBe(201);
      expect(await res2.json()).toMatchObject({
        version: 2,
        source: 'department',
        scopeRegion: '330106',
        added: 1,
        removed: 1,
      });

      const current = await getJson(`${hub.url()}/v1/register?limit=100`, tokens.zj);
      expect(current.body.items.map((e: { uscc: string; version: number }) => [e.uscc, e.version])).toEqual([
        ['9133010200000000FL', 1],
        ['9133010600000000B2', 2],
        ['9133010600000000D8', 2],
        ['9133011400000000EX', 1],
      ]);
      const xihu = await getJson(`${hub.url()}/v1/register`, tokens.dept);
      expect(xihu.body.items.map((e: { uscc: string }) => e.uscc)).toEqual([
        '9133010600000000B2',
        '9133010600000000D8',
      ]);
      // A construction department sees its sectors in its city only; filters and paging.
      const construction = await getJson(`${hub.url()}/v1/register`, tokens.construction);
      expect(construction.body.items.map((e: { uscc: string }) => e.uscc)).toEqual(['9133010600000000B2']);
      const v1 = await getJson(`${hub.url()}/v1/register?version=1&region=3301&sector=construction`, tokens.ops);
      expect(v1.body.items).toEqual([
        expect.objectContaining({ uscc: '9133010600000000C5', employeeCount: 300, version: 1 }),
      ]);
      const deposit = await getJson(`${hub.url()}/v1/register?version=1&uscc=9133010200000000FL`, tokens.ops);
      expect(deposit.body.items).toEqual([expect.objectContaining({ alternative: 'risk_deposit', version: 1 })]);
      const page1 = await getJson(`${hub.url()}/v1/register?limit=2`, tokens.ops);
      expect(page1.body.next).toBe('9133010600000000B2');
      // The alternative to insurance is kept and answered; null where the line had none.
      expect(page1.body.items).toEqual([
        expect.objectContaining({ uscc: '9133010200000000FL', alternative: 'risk_deposit', version: 1 }),
        expect.objectContaining({ uscc: '9133010600000000B2', alternative: null, version: 2 }),
      ]);
      const page2 = await getJson(`${hub.url()}/v1/register?limit=2&after=${page1.body.next}`, tokens.ops);
      expect(page2.body).toMatchObject({
        next: null,
        items: [{ uscc: '9133010600000000D8' }, { uscc: '9133011400000000EX' }],
      });
      expect((await getJson(`${hub.url()}/v1/register?region=37`, tokens.zj)).body.items).toEqual([]);
      expect((await getJson(`${hub.url()}/v1/register`, tokens.sd)).body.items).toEqual([]);
      expect((await getJson(`${hub.url()}/v1/register`, tokens.insurer)).status).toBe(403);
      expect((await getJson(`${hub.url()}/v1/register?sector=mining`, tokens.ops)).status).toBe(400);

      const versions = await getJson(`${hub.url()}/v1/register/versions`, tokens.dept);
      expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      const [{ n }] = await hub.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM audit_entries WHERE action IN ('register.submit', 'register.read')`,
      );
      expect(n).toBeGreaterThanOrEqual(8);
    });

    it('refuses a submission with any invalid line, naming every problem, and records nothing', async () => {
      const body = [
        line(zjRegister[0]),
        line({ ...zjRegister[1], uscc: '9133010600000000C6' }),
        line({ ...zjRegister[2], regionCode: '370883' }),
        line({ ...zjRegister[3], sector: 'mining', color: 'red' }),
        '{"uscc": ',
        '',
        line(zjRegister[0]),
        line({ ...zjRegister[2], regionCode: '339999' }),
        line({ ...zjRegister[3], alternative: 'cash_deposit' }),
      ].join('\n');
      const res = await put('/v1/interchange/register', tokens.zj, body);
      expect(res.status).toBe(422);
      const answer = (await res.json()) as {
        code: string;
        details: { lines: number; invalidLines: number; errors: unknown[] };
      };
      expect(answer.code).toBe('INVALID_REGISTER');
      expect(answer.details).toMatchObject({ lines: 9, invalidLines: 7 });
      expect(answer.details.errors).toEqual([
        { line: 2, field: 'uscc', message: '9133010600000000C6 has a wrong check character (expected 5)' },
        { line: 3, field: 'regionCode', message: '370883 is outside province 33' },
        { line: 4, field: 'color', message: 'is not a known field' },
        expect.objectContaining({ line: 4, field: 'sector' }),
        { line: 5, field: '', message: 'is not a JSON object' },
        { line: 7, field: 'uscc', message: '9133010600000000B2 is listed on line 1 too' },
        { line: 8, field: 'regionCode', message: '339999 is not a current county-level code' },
        { line: 9, field: 'alternative', message: 'must be "risk_deposit" or null, got "cash_deposit"' },
      ]);
      // A county department may not list enterprises outside its jurisdiction, nor a construction one other sectors.
      const outside = await put('/v1/dept/register', tokens.dept, line(zjRegister[2]));
      expect(((await outside.json()) as { details: { errors: unknown[] } }).details.errors).toEqual([
        { line: 1, field: 'regionCode', message: '330114 is outside the jurisdiction 330106 of api-hz-xihu-emergency' },
      ]);
      const sector = await put('/v1/dept/register', tokens.construction, line(zjRegister[3]));
      expect(sector.status).toBe(422);
      expect((await put('/v1/interchange/register', tokens.zj, '\n\n')).status).toBe(422);
      expect((await put('/v1/interchange/register', tokens.zj, line(zjRegister[0]), 'text/csv')).status).toBe(415);
      expect((await put('/v1/interchange/register', tokens.dept, line(zjRegister[0]))).status).toBe(403);
      expect((await put('/v1/dept/register', tokens.zj, line(zjRegister[0]))).status).toBe(403);
      const versions = await getJson(`${hub.url()}/v1/register/versions`, tokens.ops);
      expect(versions.body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      const [{ n }] = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM register_submissions`);
      expect(n).toBe(2);
    });

    it('streams a large province register (20,000 lines)', async () => {
      const A = '0123456789ABCDEFGHJKLMNPQRTUWXY';
      const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
      const uscc = (n: number) => {
        const body = `913301${String(n).padStart(8, '0')}MA0`;
        let sum = 0;
        for (let i = 0; i < 17; i++) sum += A.indexOf(body[i]) * W[i];
        return body + A[(31 - (sum % 31)) % 31];
      };
      const counties = ['330102', '330105', '330106', '330108', '330109', '330110'];
      const lines = Array.from({ length: 20_000 }, (_, i) =>
        line({ uscc: uscc(i), name: `企业${i}`, regionCode: counties[i % counties.length], sector: 'other' }),
      );
      const res = await put('/v1/interchange/register', tokens.zj, lines.join('\n'));
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ version: 3, entries: 20_000, added: 20_000, removed: 4 });
      const [{ n }] = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM register_current`);
      expect(n).toBe(20_000);
    });
  });
});
