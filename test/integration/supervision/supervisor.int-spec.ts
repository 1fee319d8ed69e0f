import fs from 'node:fs';
import path from 'node:path';
import { builtInRulePackBySpec } from '@ajx/authz';
import { Random, randomUscc } from '@ajx/simulation';
import { readRegisterEntry, readSupervisionEvent, supervise, supervisionParameters } from '@ajx/supervision';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { SupervisionClock } from '../../../apps/supervisor/src/supervision-clock';
import { putCountyRegister, TestHub, upload } from '../support/hub';
import { runCli } from '../support/kafka-users';

/*
 * Issue 15: the supervision service on the real stack. Records go through the gateway and the normaliser; the
 * supervisor consumes the canonical topic with its own group, keeps the versions and the register's view it needs in
 * its own tables, and writes findings with their history. Checked against the pure library run over exactly the
 * events the canonical store holds (the command and the service run the same rules), plus hand-picked findings.
 */

const PACK = 'jining@1';
const DAY = 86_400_000;
/** Beijing midnight of a date, epoch ms (PINGAN sends dates as epoch milliseconds). */
const beijingMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

interface PolicyLine {
  policyNo: string;
  uscc: string;
  area: string;
  staff: number;
  insured: number;
  start: string;
  end: string;
  seq?: number;
  bizType?: string;
}

function pinganPolicy(p: PolicyLine): string {
  return JSON.stringify({
    recordType: 'POLICY',
    bizType: p.bizType ?? 'NEW',
    seq: p.seq ?? 0,
    policyNo: p.policyNo,
    insured: {
      creditCode: p.uscc,
      name: `济宁监管测试企业${p.policyNo.slice(-4)}有限公司`,
      areaCode: p.area,
      industryCode: 'C2614',
      staffCount: p.staff,
      contactName: '张三',
      contactMobile: '13800000000',
    },
    insuredCount: p.insured,
    startDate: beijingMidnight(p.start),
    endDate: beijingMidnight(p.end),
    premiumFen: 1_200_000,
    limitPerPersonFen: 50_000_000,
    limitTotalFen: 1_000_000_000,
    rateFactors: { stdLevel: 1, cultureLevel: 'NATIONAL', advanced: 'PROVINCE', lastYearAccident: 'NONE' },
    rateAdjustPct: -30,
    preventionFeeFen: 60_000,
    surrenderDate: null,
    bizTime: beijingMidnight(p.start) - 5 * DAY,
  });
}

describe('supervision service', () => {
  const hub = new TestHub('supervisor', { services: ['gateway', 'normalizer'], gateway: { AJX_RULE_PACK: PACK } });
  const rng = new Random('supervisor-int');
  const ASOF = '2026-06-15';
  const e1 = randomUscc(rng, '370811'); // renewal due, short headcount
  const e2 = randomUscc(rng, '370811'); // registered, never insured
  const e3 = randomUscc(rng, '370811'); // in force, due only from late July
  let pingan: string;
  let county: string;
  let supervisor: StartedService | null = null;

  const supervisorConfig = (asOf: string, overrides: Partial<SupervisorConfig> = {}) =>
    hub.config(SupervisorConfig, {
      AJX_RULE_PACK: PACK,
      AJX_SUPERVISION_AS_OF: asOf,
      AJX_SUPERVISION_REGISTER_POLL_MS: 300,
      AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
      ...overrides,
    });
  const startSupervisor = async (asOf: string, overrides: Partial<SupervisorConfig> = {}) => {
    supervisor = await startService(supervisorService, supervisorConfig(asOf, overrides));
  };
  const stopSupervisor = async () => {
    await supervisor?.close();
    supervisor = null;
  };

  interface Row {
    rule: string;
    key: string;
    state: string;
    facts: Record<string, unknown>;
    version: number;
    uscc: string;
  }
  const findings = async () =>
    hub.db.query<Row[]>(`SELECT rule, key, state, facts, version, uscc FROM supervision_findings ORDER BY rule, key`);
  /** The finished evaluations, as `<reason> <asOf>` (the findings are written by a run's chunks before its end). */
  const runs = async () =>
    (
      await hub.db.query<{ reason: string; as_of: string }[]>(
        `SELECT reason, to_char(as_of, 'YYYY-MM-DD') AS as_of FROM supervision_runs WHERE finished_at IS NOT NULL ORDER BY run_id`,
      )
    ).map((r) => `${r.reason} ${r.as_of}`);
  const openKeys = async () => (await findings()).filter((f) => f.state === 'open').map((f) => `${f.rule} ${f.key}`);

  /** The events the canonical store holds, as canonical CloudEvents with their acceptance time, and the register. */
  async function heldData() {
    const events = await hub.db.query<
      {
        data: unknown;
        insurer: string;
        kind: string;
        subject: string;
        version: number;
        type: string;
        uscc: string;
        region: string;
        sector: string;
        business_time: string;
        event_id: string;
        accepted_at: Date;
      }[]
    >(
      `SELECT event_id, insurer, kind, subject, version, type, uscc, region, sector, business_time, data, accepted_at
         FROM canonical_events ORDER BY seq`,
    );
    const cloudEvents = events.map((e) => ({
      specversion: '1.0',
      id: e.event_id,
      source: `/insurers/${e.insurer}`,
      type: e.type,
      subject: e.subject,
      time: e.business_time,
      datacontenttype: 'application/json',
      dataschema: `urn:ajx:${e.kind}:v1`,
      insurer: e.insurer,
      region: e.region,
      sector: e.sector,
      uscc: e.uscc,
      sourceversion: e.version,
      data: e.data,
      ajxacceptedat: e.accepted_at.toISOString(),
    }));
    const register = (
      await hub.db.query<
        { uscc: string; region: string; sector: string; employee_count: number | null; alternative: string | null }[]
      >(`SELECT uscc, region, sector, employee_count, alternative FROM register_current`)
    ).map((r) => ({
      uscc: r.uscc,
      name: 'x',
      regionCode: r.region,
      sector: r.sector,
      employeeCount: r.employee_count,
      ...(r.alternative ? { alternative: r.alternative } : {}),
    }));
    return { cloudEvents, register };
  }

  /** What the pure library finds over the events the canonical store holds and the current register, on asOf. */
  async function libraryFindings(asOf: string): Promise<string[]> {
    const { cloudEvents, register } = await heldData();
    const params = supervisionParameters(builtInRulePackBySpec(PACK));
    return supervise(params, cloudEvents.map(readSupervisionEvent), register.map(readRegisterEntry), asOf).findings.map(
      (f) => `${f.rule} ${f.key}`,
    );
  }

  /** What the built `ajx supervise` writes on the same data: each finding with its facts. */
  async function commandFindings(asOf: string): Promise<{ rule: string; key: string; facts: unknown }[]> {
    const { cloudEvents, register } = await heldData();
    const dir = fs.mkdtempSync(path.join(hub.dir, 'supervise-'));
    const at = (name: string) => path.join(dir, name);
    fs.writeFileSync(at('events.ndjson'), cloudEvents.map((e) => JSON.stringify(e)).join('\n') + '\n');
    fs.writeFileSync(at('register.ndjson'), register.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const run = runCli(
      [
        ...['supervise', '--pack', PACK, '--as-of', asOf, '--events', at('events.ndjson')],
        ...['--register', at('register.ndjson'), '--findings', at('findings.ndjson'), '--figures', at('figures.json')],
      ],
      { AJX_LOG_LEVEL: 'warn' },
    );
    if (run.status !== 0) throw new Error(`ajx supervise: ${run.status} ${run.stderr}`);
    return fs
      .readFileSync(at('findings.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { rule: string; key: string; facts: unknown })
      .map(({ rule, key, facts }) => ({ rule, key, facts }));
  }

  beforeAll(async () => {
    await hub.start();
    pingan = await hub.principal({ id: 'PINGAN', type: 'insurer', name: '平安' });
    county = await hub.principal({
      id: 'sv-rencheng-emergency',
      type: 'department',
      name: '任城区应急管理局',
      department: { kind: 'emergency', level: 'county', regionCode: '370811' },
    });
  });
  afterAll(async () => {
    await stopSupervisor();
    await hub.stop();
  });

  it('finds what the rules find over the data the hub holds, and keeps it in its own tables', async () => {
    expect(await putCountyRegister(hub.url(), county, [e1, e2, e3])).toBe(201);
    const file = [
      pinganPolicy({
        policyNo: 'PAAZ2025SV0001',
        uscc: e1,
        area: '370811',
        staff: 52,
        insured: 40,
        start: '2025-07-01',
        end: '2026-06-30',
      }),
      pinganPolicy({
        policyNo: 'PAAZ2025SV0003',
        uscc: e3,
        area: '370811',
        staff: 52,
        insured: 52,
        start: '2025-08-21',
        end: '2026-08-20',
      }),
    ].join('\n');
    expect((await upload(hub.url(), pingan, 'PINGAN', `${file}\n`)).status).toBe(202);
    await waitFor(async () => (await hub.db.query(`SELECT 1 FROM canonical_events`)).length === 2, {
      what: 'events stored',
    });

    await startSupervisor(ASOF);
    const expected = await libraryFindings(ASOF);
    expect(expected).toEqual(
      expect.arrayContaining([
        `PARTIAL_HEADCOUNT PINGAN/PAAZ2025SV0001`,
        `RENEWAL_DUE PINGAN/PAAZ2025SV0001`,
        `UNINSURED ${e2}`,
      ]),
    );
    expect(expected).not.toContain(`RENEWAL_DUE PINGAN/PAAZ2025SV0003`);
    await waitFor(async () => JSON.stringify(await openKeys()) === JSON.stringify([...expected].sort()) || undefined, {
      what: 'the service to find what the library finds',
    });
    // The command on the same data (the events with the acceptance times the pipeline carries, the register): the
    // same findings, fact by fact.
    const open = (await findings())
      .filter((f) => f.state === 'open')
      .map(({ rule, key, facts }) => ({ rule, key, facts }));
    const byKey = (a: { rule: string; key: string }, b: { rule: string; key: string }) =>
      `${a.rule} ${a.key}` < `${b.rule} ${b.key}` ? -1 : 1;
    expect(open.sort(byKey)).toEqual((await commandFindings(ASOF)).sort(byKey));
    const headcount = (await findings()).find((f) => f.rule === 'PARTIAL_HEADCOUNT')!;
    expect(headcount.facts).toEqual({ insured: 40, employees: 52, missing: 12 });
    // Every finding's history starts with its opening, once.
    const history = await hub.db.query<{ change: string; n: number }[]>(
      `SELECT change, count(*)::int AS n FROM supervision_finding_history GROUP BY change`,
    );
    expect(history).toEqual([{ change: 'opened', n: expected.length }]);
    // Figures: the county's coverage row counts the three registered enterprises.
    const coverage = await hub.db.query<{ key: string; vals: string[] }[]>(
      `SELECT key, array_agg(v ORDER BY i) AS vals FROM (
         SELECT key, i, sum(v)::text AS v FROM supervision_figures, unnest(vals) WITH ORDINALITY u(v, i)
          WHERE member = 'coverage' GROUP BY key, i) s GROUP BY key`,
    );
    expect(coverage).toEqual([{ key: '370811|hazardous_chemicals', vals: ['3', '0', '2', '1', '0', '0', '0', '0'] }]);
  });

  it('resolves RENEWAL_DUE when the renewal arrives, and opens nothing twice when the topic is read again', async () => {
    const renewal = pinganPolicy({
      policyNo: 'PAAZ2026SV0001',
      uscc: e1,
      area: '370811',
      staff: 52,
      insured: 52,
      start: '2026-07-01',
      end: '2027-06-30',
    });
    expect((await upload(hub.url(), pingan, 'PINGAN', `${renewal}\n`)).status).toBe(202);
    await waitFor(
      async () =>
        (await findings()).find((f) => f.rule === 'RENEWAL_DUE' && f.key === 'PINGAN/PAAZ2025SV0001')?.state ===
        'resolved',
      { what: 'RENEWAL_DUE resolved by the renewal' },
    );
    expect(await openKeys()).toEqual([...(await libraryFindings(ASOF))].sort());

    // Read the whole canonical topic again (a crash before the offsets were committed, at its largest): nothing changes.
    const before = await hub.db.query(`SELECT finding_id, version FROM supervision_finding_history ORDER BY 1, 2`);
    await stopSupervisor();
    const admin = hub.kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({
        groupId: `${hub.ns.topicPrefix}ajx.supervisor`,
        topic: `${hub.ns.topicPrefix}ajx.canonical.v1`,
        earliest: true,
      });
    } finally {
      await admin.disconnect();
    }
    await startSupervisor(ASOF);
    await waitFor(
      async () => {
        const lag = await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM supervision_versions`);
        return lag[0].n === 3;
      },
      { what: 'every version read again' },
    );
    // The consumer has caught up once the group's committed offsets reach the end of the topic.
    const caughtUp = async () => {
      const a = hub.kafka.admin();
      await a.connect();
      try {
        const topic = `${hub.ns.topicPrefix}ajx.canonical.v1`;
        const [ends, committed] = await Promise.all([
          a.fetchTopicOffsets(topic),
          a.fetchOffsets({ groupId: `${hub.ns.topicPrefix}ajx.supervisor`, topics: [topic] }),
        ]);
        const end = new Map(ends.map((p) => [p.partition, p.high]));
        // An empty partition has no committed offset (-1) and ends at 0.
        return committed[0].partitions.every((p) => Math.max(0, Number(p.offset)) >= Number(end.get(p.partition)));
      } finally {
        await a.disconnect();
      }
    };
    await waitFor(caughtUp, { what: 'the supervisor to read the topic to its end again' });
    expect(await hub.db.query(`SELECT finding_id, version FROM supervision_finding_history ORDER BY 1, 2`)).toEqual(
      before,
    );
  });

  it('opens RENEWAL_DUE when the date comes within 30 days of the end (the day changes, no new data)', async () => {
    await stopSupervisor();
    const later = '2026-07-25';
    await startSupervisor(later);
    await waitFor(
      async () =>
        (await findings()).find((f) => f.rule === 'RENEWAL_DUE' && f.key === 'PINGAN/PAAZ2025SV0003')?.state === 'open',
      { what: 'RENEWAL_DUE of the policy ending 2026-08-20, on 2026-07-25' },
    );
    // The finding is written by the run's chunks before the run records its end.
    await waitFor(async () => (await runs()).includes(`start ${later}`), { what: `the start evaluation on ${later}` });
    expect(await openKeys()).toEqual([...(await libraryFindings(later))].sort());
    expect(addDays(later, 26)).toBe('2026-08-20');
  });

  it('the daily job (the BullMQ job scheduler, Asia/Shanghai) moves findings when the date changes, without a restart', async () => {
    await stopSupervisor();
    const later = '2026-07-25';
    const after = '2026-08-21'; // the day after PAAZ2025SV0003 ended (2026-08-20): due no more, lapsed
    // The scheduler fires every two seconds here instead of at 00:05; the date is injected into the running service.
    await startSupervisor(later, { AJX_SUPERVISION_DAILY_CRON: '*/2 * * * * *' });
    const clock = supervisor!.app.get(SupervisionClock);
    await waitFor(async () => (await runs()).includes(`daily ${later}`), { what: `a daily evaluation on ${later}` });
    expect(await openKeys()).toEqual([...(await libraryFindings(later))].sort());
    jest.spyOn(clock, 'today').mockReturnValue(after);
    await waitFor(async () => (await runs()).includes(`daily ${after}`), { what: `a daily evaluation on ${after}` });
    // The findings are written by the run's chunks before the run records its end.
    const expected = await libraryFindings(after);
    expect(expected).not.toEqual(await libraryFindings(later));
    expect(expected).not.toContain('RENEWAL_DUE PINGAN/PAAZ2025SV0003');
    expect(await openKeys()).toEqual([...expected].sort());
  });
});
