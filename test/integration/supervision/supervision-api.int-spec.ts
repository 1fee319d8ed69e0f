import { Random, randomUscc } from '@ajx/simulation';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { getJson, putCountyRegister, TestHub, upload } from '../support/hub';
import { pinganPolicyLine } from '../support/records';

/*
 * Issue 15 items 4 and 5: findings reach people. Each opened, resolved or re-opened finding becomes a feed entry (kind
 * `finding`) of every department entitled to the enterprise — through the router's feed — and nowhere else; the
 * departments' API (RLS by jurisdiction and sectors) lists, shows, confirms and dismisses them; the insurer lists
 * those attributed to it; figures, the enterprise profile, targets, the ladder and operators' evaluations.
 */

const PACK = 'jining@1';
const ASOF = '2026-06-15';

interface Finding {
  id: string;
  rule: string;
  key: string;
  state: string;
  insurer: string | null;
  uscc: string;
  facts: Record<string, unknown>;
  message: string;
  version: number;
  review: { decision: string; reason: string } | null;
}

describe('supervision API and feeds', () => {
  const hub = new TestHub('svapi', {
    services: ['gateway', 'normalizer', 'router'],
    gateway: { AJX_RULE_PACK: PACK },
    router: { AJX_RULE_PACK: PACK },
  });
  const rng = new Random('supervision-api');
  const e1 = randomUscc(rng, '370811');
  const e2 = randomUscc(rng, '370811');
  const tokens: Record<string, string> = {};
  let supervisor: StartedService;

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${hub.url()}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const findingsOf = async (token: string) =>
    (await getJson(`${hub.url()}/v1/dept/findings?limit=500`, token)).body.items as Finding[];
  const feedFindings = async (token: string) => {
    const items: { kind: string; subject: string; entry: string; data: Record<string, unknown> | null }[] = [];
    let after = '';
    for (;;) {
      const page = (await getJson(`${hub.url()}/v1/dept/feed?limit=500${after ? `&after=${after}` : ''}`, token)).body;
      items.push(...page.items);
      if (!page.more) break;
      after = page.next;
    }
    return items.filter((i) => i.kind === 'finding');
  };

  beforeAll(async () => {
    await hub.start();
    tokens.pingan = await hub.principal({ id: 'PINGAN', type: 'insurer', name: '平安' });
    tokens.picc = await hub.principal({ id: 'PICC', type: 'insurer', name: '人保' });
    tokens.ops = await hub.principal({ id: 'svapi-ops', type: 'operator', name: '运维' });
    const dept = async (id: string, kind: string, level: 'county' | 'city', regionCode: string) =>
      (tokens[id] = await hub.principal({ id, type: 'department', name: id, department: { kind, level, regionCode } }));
    await dept('rc-emergency', 'emergency', 'county', '370811');
    await dept('jn-emergency', 'emergency', 'city', '370800');
    await dept('jn-construction', 'construction', 'city', '370800');
    await dept('jn-finreg', 'financial_regulator', 'city', '370800');
    await dept('hz-emergency', 'emergency', 'county', '330106');

    // The supervisor first, then the policy, then the register: its start evaluation can never see the register
    // without the policy (both enterprises UNINSURED for a moment, a finding that would stay listed as resolved).
    supervisor = await startService(
      supervisorService,
      hub.config(SupervisorConfig, {
        AJX_RULE_PACK: PACK,
        AJX_SUPERVISION_AS_OF: ASOF,
        AJX_SUPERVISION_REGISTER_POLL_MS: 300,
        AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
      }),
    );
    const file = `${pinganPolicyLine('监管接口测试企业', 'PAAZ2025API001', e1, '370811', 40, '2025-07-01', '2026-06-30')}\n`;
    expect((await upload(hub.url(), tokens.pingan, 'PINGAN', file)).status).toBe(202);
    await waitFor(async () => (await findingsOf(tokens['rc-emergency'])).some((f) => f.rule === 'PARTIAL_HEADCOUNT'), {
      what: 'the policy evaluated',
    });
    expect(await putCountyRegister(hub.url(), tokens['rc-emergency'], [e1, e2])).toBe(201);
    await waitFor(async () => (await findingsOf(tokens['rc-emergency'])).some((f) => f.rule === 'UNINSURED'), {
      what: 'findings of the county, UNINSURED included (the register evaluated)',
    });
  });
  afterAll(async () => {
    await supervisor?.close();
    await hub.stop();
  });

  it('lists the findings of the jurisdiction to its departments, and none to another jurisdiction or sector', async () => {
    const county = await findingsOf(tokens['rc-emergency']);
    const keys = county.map((f) => `${f.rule} ${f.key}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'PARTIAL_HEADCOUNT PINGAN/PAAZ2025API001',
        'RENEWAL_DUE PINGAN/PAAZ2025API001',
        'FEE_UNDER_ACCRUED PINGAN/PAAZ2025API001',
        `UNINSURED ${e2}`,
      ]),
    );
    expect((await findingsOf(tokens['jn-emergency'])).map((f) => f.id).sort()).toEqual(county.map((f) => f.id).sort());
    expect(await findingsOf(tokens['hz-emergency'])).toEqual([]);
    expect(await findingsOf(tokens['jn-construction'])).toEqual([]);
    const one = county[0];
    expect((await call('GET', `/v1/dept/findings/${one.id}`, tokens['hz-emergency'])).status).toBe(404);
    expect(
      (await call('GET', `/v1/dept/findings/00000000-0000-4000-8000-000000000000`, tokens['hz-emergency'])).status,
    ).toBe(404);
    const filtered = (await getJson(`${hub.url()}/v1/dept/findings?rule=UNINSURED`, tokens['rc-emergency'])).body.items;
    expect(filtered.map((f: Finding) => f.key)).toEqual([e2]);
    expect((await getJson(`${hub.url()}/v1/dept/findings?rule=NOPE`, tokens['rc-emergency'])).status).toBe(400);
  });

  it('filters by state, region, sector, insurer, enterprise and time, and pages with a cursor, as the full list says', async () => {
    type Listed = Finding & { regionCode: string; sector: string; openedAt: string; updatedAt?: string };
    const token = tokens['jn-emergency'];
    const all = (await findingsOf(token)) as Listed[];
    expect(all.length).toBeGreaterThan(3);
    const ids = (xs: readonly { id: string }[]) => xs.map((f) => f.id).sort();
    const query = async (q: string) => {
      const res = await getJson(`${hub.url()}/v1/dept/findings?limit=500&${q}`, token);
      expect([q, res.status]).toEqual([q, 200]);
      return res.body.items as Listed[];
    };
    const f = all.find((x) => x.insurer !== null)!;
    for (const [q, want] of [
      [`state=open`, all.filter((x) => x.state === 'open')],
      [`region=${f.regionCode}`, all.filter((x) => x.regionCode.startsWith(f.regionCode))],
      [`region=${f.regionCode.slice(0, 4)}`, all.filter((x) => x.regionCode.startsWith(f.regionCode.slice(0, 4)))],
      [`region=330102`, []],
      [`sector=${f.sector}`, all.filter((x) => x.sector === f.sector)],
      [`insurer=${f.insurer}`, all.filter((x) => x.insurer === f.insurer)],
      [`insurer=NOSUCH`, []],
      [`uscc=${f.uscc}`, all.filter((x) => x.uscc === f.uscc)],
      [`since=2099-01-01T00:00:00Z`, []],
      [`since=2000-01-01T00:00:00Z`, all],
    ] as const)
      expect([q, ids(await query(q))]).toEqual([q, ids(want)]);
    // Pages of two, each after the previous page's cursor: every finding once.
    const paged: Listed[] = [];
    let next: string | null = null;
    do {
      const page = (await getJson(`${hub.url()}/v1/dept/findings?limit=2${next ? `&after=${next}` : ''}`, token))
        .body as {
        items: Listed[];
        next: string | null;
      };
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items);
      next = page.next;
    } while (next);
    expect(ids(paged)).toEqual(ids(all));
    expect(new Set(paged.map((x) => x.id)).size).toBe(paged.length);
    for (const bad of ['region=37x', 'sector=gas', 'insurer=picc', 'since=yesterday', 'uscc=123'])
      expect([bad, (await getJson(`${hub.url()}/v1/dept/findings?${bad}`, token)).status]).toEqual([bad, 400]);
  });

  it('puts each finding in the feed of exactly the entitled departments, masked where commercial fields are', async () => {
    const county = await findingsOf(tokens['rc-emergency']);
    await waitFor(async () => (await feedFindings(tokens['rc-emergency'])).length >= county.length, {
      what: 'finding entries in the county feed',
    });
    const feed = await feedFindings(tokens['rc-emergency']);
    expect(new Set(feed.map((e) => e.subject))).toEqual(new Set(county.map((f) => f.id)));
    expect(feed.every((e) => e.entry === 'new')).toBe(true);
    expect(await feedFindings(tokens['hz-emergency'])).toEqual([]);
    expect(await feedFindings(tokens['jn-construction'])).toEqual([]);
    // The financial regulator masks nothing commercial in jining@1? Check its fee finding against the rule pack.
    const finreg = await feedFindings(tokens['jn-finreg']);
    const fee = finreg.find((e) => (e.data as { rule?: string })?.rule === 'FEE_UNDER_ACCRUED');
    expect(fee).toBeDefined();
    const emergencyFee = feed.find((e) => (e.data as { rule?: string })?.rule === 'FEE_UNDER_ACCRUED')!;
    expect((emergencyFee.data as { facts: Record<string, unknown> }).facts.reported).toBe(10_000);
  });

  it('lets a department confirm or dismiss with a reason: audited, in the history and in every entitled feed', async () => {
    const county = await findingsOf(tokens['rc-emergency']);
    const territory = county.find((f) => f.rule === 'OUT_OF_TERRITORY')!;
    expect(
      (await call('POST', `/v1/dept/findings/${territory.id}/confirm`, tokens['hz-emergency'], { reason: '越权' }))
        .status,
    ).toBe(404);
    expect((await call('POST', `/v1/dept/findings/${territory.id}/confirm`, tokens['rc-emergency'], {})).status).toBe(
      400,
    );
    const confirmed = await call('POST', `/v1/dept/findings/${territory.id}/confirm`, tokens['rc-emergency'], {
      reason: '经核实,平安在任城区无危化行业承保资格',
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      review: { decision: 'confirmed', by: 'rc-emergency' },
      version: territory.version + 1,
    });
    const detail = await call('GET', `/v1/dept/findings/${territory.id}`, tokens['jn-emergency']);
    expect(detail.body.history.map((h: { change: string }) => h.change)).toEqual(['opened', 'confirmed']);
    await waitFor(
      async () =>
        (await feedFindings(tokens['jn-emergency'])).some((e) => e.subject === territory.id && e.entry === 'updated'),
      { what: 'the confirmation in the city feed' },
    );
    const audit = await hub.db.query<{ actor: string; outcome: string }[]>(
      `SELECT actor, outcome FROM audit_entries WHERE action = 'supervision.finding.confirm' AND target = $1 ORDER BY id`,
      [territory.id],
    );
    expect(audit).toEqual([
      { actor: 'hz-emergency', outcome: 'denied' },
      { actor: 'rc-emergency', outcome: 'ok' },
    ]);
    const ladder = await call('GET', '/v1/dept/ladder', tokens['jn-emergency']);
    expect(ladder.body).toEqual([
      expect.objectContaining({ insurer: 'PINGAN', violations: 1, stage: 'criticism', stageName: '通报批评' }),
    ]);
    const renewal = county.find((f) => f.rule === 'RENEWAL_DUE')!;
    const dismissed = await call('POST', `/v1/dept/findings/${renewal.id}/dismiss`, tokens['jn-emergency'], {
      reason: '已在办理续保',
    });
    expect(dismissed.body.review).toMatchObject({ decision: 'dismissed', by: 'jn-emergency' });
  });

  it('shows an insurer the findings attributed to it only', async () => {
    const own = (await getJson(`${hub.url()}/v1/insurer/findings?limit=500`, tokens.pingan)).body.items as Finding[];
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((f) => f.insurer === 'PINGAN')).toBe(true);
    expect((await getJson(`${hub.url()}/v1/insurer/findings`, tokens.picc)).body.items).toEqual([]);
    expect((await getJson(`${hub.url()}/v1/insurer/findings`, tokens['rc-emergency'])).status).toBe(403);
    expect((await getJson(`${hub.url()}/v1/dept/findings`, tokens.pingan)).status).toBe(403);
  });

  it('answers figures and the enterprise profile within the jurisdiction only', async () => {
    const figures = (await getJson(`${hub.url()}/v1/dept/figures`, tokens['rc-emergency'])).body;
    expect(figures).toMatchObject({ asOf: ASOF, pack: PACK });
    expect(figures.coverage).toEqual([
      expect.objectContaining({
        county: '370811',
        sector: 'hazardous_chemicals',
        registered: 2,
        insured: 1,
        uninsured: 1,
        rate: 0.5,
      }),
    ]);
    expect((await getJson(`${hub.url()}/v1/dept/figures`, tokens['hz-emergency'])).body.coverage).toEqual([]);
    const profile = await getJson(`${hub.url()}/v1/dept/enterprises/${e1}`, tokens['rc-emergency']);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({
      uscc: e1,
      region: { code: '370811', name: '任城区' },
      sector: { code: 'hazardous_chemicals', name: '危险化学品' },
      register: { employeeCount: 52 },
    });
    expect(profile.body.policies.map((p: { subject: string }) => p.subject)).toEqual(['PAAZ2025API001']);
    expect(profile.body.findings.length).toBeGreaterThan(0);
    expect((await getJson(`${hub.url()}/v1/dept/enterprises/${e1}`, tokens['hz-emergency'])).status).toBe(404);
  });

  it('takes targets from the city emergency department only, and reports progress', async () => {
    const body = {
      counties: [{ county: '370811', insured: 4, premiumFen: 4_800_000 }],
      insurers: [{ insurer: 'PINGAN', insured: 2 }],
    };
    expect((await call('PUT', '/v1/dept/targets/2026', tokens['rc-emergency'], body)).status).toBe(403);
    expect((await call('PUT', '/v1/dept/targets/2026', tokens['jn-construction'], body)).status).toBe(403);
    const outside = { ...body, counties: [{ county: '330106', insured: 1 }] };
    expect((await call('PUT', '/v1/dept/targets/2026', tokens['jn-emergency'], outside)).status).toBe(400);
    const set = await call('PUT', '/v1/dept/targets/2026', tokens['jn-emergency'], body);
    expect(set.status).toBe(200);
    const read = await call('GET', '/v1/dept/targets?year=2026', tokens['rc-emergency']);
    expect(read.body.items).toEqual([
      expect.objectContaining({
        scope: 'county',
        id: '370811',
        insuredTarget: 4,
        insured: 1,
        insuredProgress: 0.25,
        premiumFen: 1_200_000,
        premiumProgress: 0.25,
      }),
      expect.objectContaining({ scope: 'insurer', id: 'PINGAN', insuredTarget: 2, insured: 1, insuredProgress: 0.5 }),
    ]);
  });

  it('lets an operator ask for a full evaluation', async () => {
    const before = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM supervision_runs`);
    const asked = await call('POST', '/v1/admin/supervision/evaluations', tokens.ops);
    expect(asked.status).toBe(202);
    expect((await call('POST', '/v1/admin/supervision/evaluations', tokens['rc-emergency'])).status).toBe(403);
    await waitFor(
      async () => {
        const runs = (await call('GET', '/v1/admin/supervision/evaluations', tokens.ops)).body as {
          reason: string;
          finishedAt: string | null;
        }[];
        return runs.length > before[0].n && runs[0].reason === 'operator' && runs[0].finishedAt !== null;
      },
      { what: "the operator's evaluation to run" },
    );
  });
});
