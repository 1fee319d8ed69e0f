import { Random, randomUscc } from '@ajx/simulation';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { getJson, TestHub, upload } from '../support/hub';
import { pinganAccidentLine, pinganClaimLine } from '../support/records';

/*
 * Issue 25: supervision of accidents and claims on the real stack. v2 files go through the gateway, the supervisor
 * finds late accident reports, understated grades and slow claims, and the findings reach the entitled departments'
 * feeds; a later claim version that pays resolves CLAIM_PAYMENT_LATE only if it was paid within the limit — paid late,
 * the finding stays, with its days.
 */

const PACK = 'jining@2';
const ASOF = '2026-06-30';

interface Finding {
  id: string;
  rule: string;
  key: string;
  state: string;
  facts: Record<string, unknown>;
}

describe('supervision of accidents and claims', () => {
  const hub = new TestHub('svv2', {
    services: ['gateway', 'normalizer', 'router'],
    gateway: { AJX_RULE_PACK: PACK },
    router: { AJX_RULE_PACK: PACK },
  });
  const rng = new Random('supervision-v2');
  const e1 = randomUscc(rng, '370811');
  const e2 = randomUscc(rng, '370811');
  const tokens: Record<string, string> = {};
  let supervisor: StartedService;

  const findings = async () =>
    (await getJson(`${hub.url()}/v1/dept/findings?limit=500`, tokens.county)).body.items as Finding[];
  const finding = async (rule: string, key: string) => (await findings()).find((f) => f.rule === rule && f.key === key);

  beforeAll(async () => {
    await hub.start();
    tokens.pingan = await hub.principal({ id: 'PINGAN', type: 'insurer', name: '平安' });
    const dept = (id: string, kind: string, level: 'county' | 'city', regionCode: string) =>
      hub.principal({ id, type: 'department', name: id, department: { kind, level, regionCode } });
    tokens.county = await dept('v2-rc-emergency', 'emergency', 'county', '370811');
    tokens.other = await dept('v2-hz-emergency', 'emergency', 'county', '330106');
    const file = [
      // Reported 90 minutes after it occurred (limit 1 hour): ACCIDENT_REPORTED_LATE; 3 deaths is 较大, not 一般.
      pinganAccidentLine('PASG2026V2SUP01', e1, {
        occurred: '2026-06-01T10:00:00+08:00',
        reported: '2026-06-01T11:30:00+08:00',
        grade: 'GENERAL',
        deaths: 3,
      }),
      // Reported in exactly one hour: on time.
      pinganAccidentLine('PASG2026V2SUP02', e2, {
        occurred: '2026-06-02T10:00:00+08:00',
        reported: '2026-06-02T11:00:00+08:00',
        grade: 'GENERAL',
        deaths: 0,
      }),
      // Agreed on 06-10, not paid by 06-30: CLAIM_PAYMENT_LATE (20 days).
      pinganClaimLine('PAPA2026V2SUP01', e1, 1, 'AGREED', null),
      pinganClaimLine('PAPA2026V2SUP02', e2, 1, 'AGREED', null),
    ].join('\n');
    expect((await upload(hub.url(), tokens.pingan, 'PINGAN', `${file}\n`)).status).toBe(202);
    supervisor = await startService(
      supervisorService,
      hub.config(SupervisorConfig, {
        AJX_RULE_PACK: PACK,
        AJX_SUPERVISION_AS_OF: ASOF,
        AJX_SUPERVISION_REGISTER_POLL_MS: 300,
        AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
      }),
    );
  });
  afterAll(async () => {
    await supervisor?.close();
    await hub.stop();
  });

  it('finds late reports, understated grades and late payments, in the entitled departments only', async () => {
    await waitFor(async () => (await finding('CLAIM_PAYMENT_LATE', 'PINGAN/PAPA2026V2SUP02'))?.state === 'open', {
      what: 'the v2 findings',
    });
    const keys = (await findings()).filter((f) => f.state === 'open').map((f) => `${f.rule} ${f.key}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'ACCIDENT_REPORTED_LATE PINGAN/PASG2026V2SUP01',
        'GRADE_MISMATCH PINGAN/PASG2026V2SUP01',
        'CLAIM_PAYMENT_LATE PINGAN/PAPA2026V2SUP01',
        'CLAIM_PAYMENT_LATE PINGAN/PAPA2026V2SUP02',
      ]),
    );
    expect(keys).not.toContain('ACCIDENT_REPORTED_LATE PINGAN/PASG2026V2SUP02');
    expect((await finding('ACCIDENT_REPORTED_LATE', 'PINGAN/PASG2026V2SUP01'))!.facts).toMatchObject({ minutes: 90 });
    expect((await finding('GRADE_MISMATCH', 'PINGAN/PASG2026V2SUP01'))!.facts).toMatchObject({
      reported: 'general',
      required: 'larger',
      deaths: 3,
    });
    expect((await finding('CLAIM_PAYMENT_LATE', 'PINGAN/PAPA2026V2SUP01'))!.facts).toEqual({
      agreedAt: '2026-06-10T09:00:00+08:00',
      paidAt: null,
      days: 20,
    });
    // In the county's feed, as findings; nothing in another county's.
    await waitFor(
      async () => {
        const feed = (await getJson(`${hub.url()}/v1/dept/feed?limit=500`, tokens.county)).body.items as {
          kind: string;
          data: { rule?: string };
        }[];
        return feed.some((e) => e.kind === 'finding' && e.data?.rule === 'ACCIDENT_REPORTED_LATE');
      },
      { what: 'the late accident report in the county feed' },
    );
    const other = (await getJson(`${hub.url()}/v1/dept/feed?limit=500`, tokens.other)).body.items as { kind: string }[];
    expect(other.filter((e) => e.kind === 'finding')).toEqual([]);
    expect((await getJson(`${hub.url()}/v1/dept/findings`, tokens.other)).body.items).toEqual([]);

    // The enterprise profile lists its accidents, claims and their findings; another county gets 404.
    const profile = await getJson(`${hub.url()}/v1/dept/enterprises/${e1}`, tokens.county);
    expect(profile.status).toBe(200);
    const p = profile.body as {
      accidents: { subject: string; level: string | null }[];
      claims: { subject: string }[];
      findings: { rule: string; key: string }[];
    };
    expect(p.accidents.map((r) => `${r.subject} ${r.level}`)).toEqual(['PASG2026V2SUP01 general']);
    expect(p.claims.map((r) => r.subject)).toEqual(['PAPA2026V2SUP01']);
    expect(p.findings.map((f) => `${f.rule} ${f.key}`).sort()).toEqual(
      [
        'ACCIDENT_REPORTED_LATE PINGAN/PASG2026V2SUP01',
        'CLAIM_PAYMENT_LATE PINGAN/PAPA2026V2SUP01',
        'GRADE_MISMATCH PINGAN/PASG2026V2SUP01',
      ].sort(),
    );
    expect((await getJson(`${hub.url()}/v1/dept/enterprises/${e1}`, tokens.other)).status).toBe(404);
    // The insurer sees what is attributed to it (the grade, the payments), not the enterprise's late report.
    const own = (await getJson(`${hub.url()}/v1/insurer/findings?limit=500`, tokens.pingan)).body.items as Finding[];
    const ownKeys = own.map((f) => `${f.rule} ${f.key}`);
    expect(ownKeys).toEqual(
      expect.arrayContaining(['GRADE_MISMATCH PINGAN/PASG2026V2SUP01', 'CLAIM_PAYMENT_LATE PINGAN/PAPA2026V2SUP01']),
    );
    expect(ownKeys).not.toContain('ACCIDENT_REPORTED_LATE PINGAN/PASG2026V2SUP01');
  });

  it("gives an insurer its own claims and premium figures (its console page), never another's", async () => {
    const claimsAt = (body: { claims: { county: string; claims: number }[] }) =>
      body.claims.find((c) => c.county === '370811');
    const mine = await waitFor(
      async () => {
        const r = await getJson(`${hub.url()}/v1/insurer/figures`, tokens.pingan);
        return r.status === 200 && (claimsAt(r.body as never)?.claims ?? 0) >= 2 ? r.body : undefined;
      },
      { what: "PINGAN's claims in its figures" },
    );
    expect(mine).toMatchObject({ insurer: 'PINGAN', pack: expect.any(String), asOf: expect.any(String) });
    expect(claimsAt(mine as never)).toMatchObject({ insurer: 'PINGAN', county: '370811', claims: 2, paid: 0 });
    const rows = mine as Record<'claims' | 'premium' | 'ledger' | 'serviceCoverage', { insurer: string }[]>;
    for (const member of ['claims', 'premium', 'ledger', 'serviceCoverage'] as const)
      expect(rows[member].filter((r) => r.insurer !== 'PINGAN')).toEqual([]);
    // Another insurer sees none of PINGAN's rows; a department reads its jurisdiction's figures elsewhere.
    tokens.picc = await hub.principal({ id: 'PICC', type: 'insurer', name: '人保' });
    const theirs = (await getJson(`${hub.url()}/v1/insurer/figures`, tokens.picc)).body as typeof rows;
    expect(theirs.claims.filter((r) => r.insurer === 'PINGAN')).toEqual([]);
    expect(theirs.premium.filter((r) => r.insurer === 'PINGAN')).toEqual([]);
    expect((await getJson(`${hub.url()}/v1/insurer/figures`, tokens.county)).status).toBe(403);
  });

  it('resolves CLAIM_PAYMENT_LATE when paid within 10 days of agreement; paid late, it stays with its days', async () => {
    const later = [
      pinganClaimLine('PAPA2026V2SUP01', e1, 2, 'PAID', '2026-06-18T09:00:00+08:00'), // 8 days: on time
      pinganClaimLine('PAPA2026V2SUP02', e2, 2, 'PAID', '2026-06-25T09:00:00+08:00'), // 15 days: late
    ].join('\n');
    expect((await upload(hub.url(), tokens.pingan, 'PINGAN', `${later}\n`)).status).toBe(202);
    await waitFor(async () => (await finding('CLAIM_PAYMENT_LATE', 'PINGAN/PAPA2026V2SUP01'))?.state === 'resolved', {
      what: 'the claim paid within the limit resolved',
    });
    const late = await waitFor(
      async () => {
        const f = await finding('CLAIM_PAYMENT_LATE', 'PINGAN/PAPA2026V2SUP02');
        return f?.facts.paidAt ? f : undefined;
      },
      { what: 'the claim paid late updated' },
    );
    expect(late).toMatchObject({ state: 'open', facts: { paidAt: '2026-06-25T09:00:00+08:00', days: 15 } });
  });
});
