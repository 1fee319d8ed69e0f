import { Topics } from '@ajx/contracts';
import { Random, randomUscc } from '@ajx/simulation';
import { type StartedService, startService, waitFor } from '@ajx/testing';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { supervisorService } from '../../../apps/supervisor/src/supervisor.service-definition';
import { putCountyRegister, TestHub, upload } from '../support/hub';
import { pinganPolicyLine } from '../support/records';

/*
 * The supervisor's start evaluation waits for its consumer: the register (PostgreSQL) requires an enterprise to be
 * insured whose policy is still in the canonical backlog when the service starts. Evaluating before that backlog is
 * consumed would open UNINSURED for it and resolve it a moment later — a resolved finding listed and fed to
 * departments ever after. The backlog (other enterprises' policies ahead of it, small batches) makes the consumer
 * slower than the start evaluation would be.
 */

const PACK = 'jining@1';
const ASOF = '2026-06-15';
const BACKLOG = 1200;

describe('supervisor start: the first evaluation waits for the canonical backlog', () => {
  const hub = new TestHub('svstart', { services: ['gateway', 'normalizer'], gateway: { AJX_RULE_PACK: PACK } });
  const rng = new Random('supervisor-start');
  const insured = randomUscc(rng, '370811');
  const uninsured = randomUscc(rng, '370811');
  let supervisor: StartedService | null = null;

  beforeAll(async () => {
    await hub.start();
  });
  afterAll(async () => {
    await supervisor?.close();
    await hub.stop();
  });

  it('opens no UNINSURED, not even resolved, for a registered enterprise whose policy was in the backlog', async () => {
    const county = await hub.principal({
      id: 'svstart-rencheng',
      type: 'department',
      name: '任城区应急管理局',
      department: { kind: 'emergency', level: 'county', regionCode: '370811' },
    });
    const pingan = await hub.principal({ id: 'PINGAN', type: 'insurer', name: '平安' });
    expect(await putCountyRegister(hub.url(), county, [insured, uninsured])).toBe(201);

    // Policies of unregistered enterprises first, the registered one's last: all on the topic before the start.
    const lines = Array.from({ length: BACKLOG }, (_, i) =>
      pinganPolicyLine(
        '积压企业',
        `PAAZ2025ST${String(i).padStart(4, '0')}`,
        randomUscc(rng, '370811'),
        '370811',
        40,
        '2025-07-01',
        '2026-06-30',
      ),
    );
    lines.push(
      pinganPolicyLine('监管启动测试企业', 'PAAZ2025STZZZ9', insured, '370811', 40, '2025-07-01', '2026-06-30'),
    );
    expect((await upload(hub.url(), pingan, 'PINGAN', `${lines.join('\n')}\n`)).status).toBe(202);
    const admin = hub.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const offsets = await admin.fetchTopicOffsets(hub.ns.topicPrefix + Topics.canonical);
          return offsets.reduce((n, p) => n + Number(p.high), 0) === BACKLOG + 1;
        },
        { timeoutMs: 60_000, what: 'the whole file on the canonical topic' },
      );
    } finally {
      await admin.disconnect();
    }

    supervisor = await startService(
      supervisorService,
      hub.config(SupervisorConfig, {
        AJX_RULE_PACK: PACK,
        AJX_SUPERVISION_AS_OF: ASOF,
        AJX_SUPERVISOR_BATCH: 20,
        AJX_SUPERVISOR_CONCURRENCY: 1,
        AJX_SUPERVISION_PUBLISH_POLL_MS: 200,
      }),
    );
    const run = await waitFor(
      async () =>
        (
          await hub.db.query<{ finished_at: Date | null; error: string | null; enterprises: number }[]>(
            `SELECT finished_at, error, enterprises FROM supervision_runs WHERE reason = 'start'`,
          )
        ).find((r) => r.finished_at !== null),
      { timeoutMs: 120_000, what: 'the start evaluation finished' },
    );
    await waitFor(
      async () =>
        (
          await hub.db.query<unknown[]>(
            `SELECT 1 FROM supervision_findings WHERE uscc = $1 AND rule = 'PARTIAL_HEADCOUNT'`,
            [insured],
          )
        ).length > 0,
      { what: "the registered enterprise's policy evaluated" },
    );

    const findings = await hub.db.query<{ rule: string; uscc: string; state: string }[]>(
      `SELECT rule, uscc, state FROM supervision_findings WHERE uscc IN ($1, $2) ORDER BY uscc, rule`,
      [insured, uninsured],
    );
    expect(findings.filter((f) => f.uscc === insured && f.rule === 'UNINSURED')).toEqual([]);
    const resolved = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM supervision_finding_history h JOIN supervision_findings f USING (finding_id)
        WHERE f.uscc = $1 AND h.change = 'resolved'`,
      [insured],
    );
    expect(resolved[0].n).toBe(0);
    // The start evaluation did run, and opens UNINSURED where it is due.
    expect(findings.filter((f) => f.uscc === uninsured)).toEqual([
      { rule: 'UNINSURED', uscc: uninsured, state: 'open' },
    ]);
    expect(run.error).toBeNull();
    // It ran after the whole backlog: every enterprise of it was held, the registered uninsured one too.
    expect(run.enterprises).toBe(BACKLOG + 2);
  }, 180_000);
});
