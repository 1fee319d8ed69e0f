/* A record whose new version names another enterprise (a corrected USCC) belongs to that enterprise from then on:
 * the supervisor evaluates both, and any later evaluation of either — a chunk of the daily run holding only one of
 * them — still knows where the record is, through `supervision_moved_records`. Two versions of one record naming
 * different enterprises travel on different partitions (the topic is keyed by enterprise) and may be received by two
 * transactions at once: the second waits for the first (a lock per record), so neither misses the other. */
import { RegisterRepository } from '@ajx/interchange-store';
import {
  SupervisionFiguresRepository,
  SupervisionFindingsRepository,
  SupervisionRevisitsRepository,
  SupervisionVersionsRepository,
  storedVersionOf,
} from '@ajx/supervision-store';
import { createTestDatabase, testDataSource, waitFor } from '@ajx/testing';
import type { DataSource } from 'typeorm';
import { EnterpriseEvaluationService } from '../../../apps/supervisor/src/evaluation/enterprise-evaluation.service';
import { SupervisorConfig } from '../../../apps/supervisor/src/supervisor.config';
import { OTHER_USCC, USCC, input, policy } from '../../../libs/supervision/src/testing/supervision.fixture';

const AS_OF = '2024-06-30';

/** A policy covering 30 of 52 employees (全员参保: a finding on the policy's enterprise), version 1 at A. */
const atA = (policyNo: string) =>
  storedVersionOf(input(policy({ policyNo, coverage: { insuredHeadcount: 30 } }), '2024-01-02T09:00:00.000Z'));
/** Version 2 of the same policy, its USCC corrected to B. */
const atB = (policyNo: string) =>
  storedVersionOf(
    input(
      policy({ policyNo, version: 2, enterprise: { uscc: OTHER_USCC }, coverage: { insuredHeadcount: 30 } }),
      '2024-02-02T09:00:00.000Z',
    ),
  );

describe('supervision: records that move to another enterprise', () => {
  let db: DataSource;
  let versions: SupervisionVersionsRepository;
  let evaluation: EnterpriseEvaluationService;

  beforeAll(async () => {
    db = await testDataSource(await createTestDatabase());
    const config = Object.assign(new SupervisorConfig(), { AJX_RULE_PACK: 'jining@1' });
    versions = new SupervisionVersionsRepository(db);
    evaluation = new EnterpriseEvaluationService(
      config,
      db,
      versions,
      new SupervisionFindingsRepository(db),
      new SupervisionFiguresRepository(db),
      new RegisterRepository(db),
      new SupervisionRevisitsRepository(db),
    );
  });
  afterAll(() => db?.destroy());

  /** Open findings about a policy, by the enterprise they are held under. */
  const openAbout = async (policyNo: string) =>
    (
      await db.query<{ uscc: string }[]>(
        `SELECT uscc FROM supervision_findings WHERE state = 'open' AND key LIKE '%' || $1 || '%' ORDER BY uscc`,
        [policyNo],
      )
    ).map((r) => r.uscc);

  it('moves the findings, and an evaluation of either enterprise alone keeps them where the record is', async () => {
    const no = 'PICCAZ2024000101';
    await evaluation.receive([atA(no)], AS_OF, 'test');
    const atFirst = await openAbout(no);
    expect(atFirst.length).toBeGreaterThan(0);
    expect(new Set(atFirst)).toEqual(new Set([USCC]));

    const moved = await evaluation.receive([atB(no)], AS_OF, 'test');
    expect(moved.enterprises).toBe(2); // the record's enterprise now and before
    expect(new Set(await openAbout(no))).toEqual(new Set([OTHER_USCC]));

    // Chunks of a daily run holding one enterprise each: nothing changes.
    for (const uscc of [USCC, OTHER_USCC]) {
      const again = await evaluation.evaluate([uscc], AS_OF, 'test');
      expect({ uscc, ...again }).toEqual({ uscc, enterprises: 1, opened: 0, updated: 0, resolved: 0 });
    }
    expect(new Set(await openAbout(no))).toEqual(new Set([OTHER_USCC]));
  });

  it('a version received while another transaction stores the same record waits for it, then sees the move', async () => {
    const no = 'PICCAZ2024000102';
    const first = db.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    let second: Promise<unknown> | undefined;
    try {
      await versions.insertNew(first.manager, [atA(no)]);
      second = evaluation.receive([atB(no)], AS_OF, 'test');
      // The second transaction waits on the record's lock (not on time): only then does the first commit.
      await waitFor(
        async () => {
          const [r] = await db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_locks
              WHERE locktype = 'advisory' AND NOT granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
          );
          return r.n > 0;
        },
        { what: 'the second transaction waiting on the record lock' },
      );
      await first.commitTransaction();
    } finally {
      if (first.isTransactionActive) await first.rollbackTransaction();
      await first.release();
    }
    await second;
    const moves = await db.query<{ uscc: string }[]>(
      `SELECT uscc FROM supervision_moved_records WHERE subject = $1 ORDER BY uscc`,
      [no],
    );
    expect(moves.map((m) => m.uscc)).toEqual([USCC, OTHER_USCC].sort());
    expect(new Set(await openAbout(no))).toEqual(new Set([OTHER_USCC]));
  });

  it('lists the moves a supervisor of the previous release stored without listing them, before a full run', async () => {
    const no = 'PICCAZ2024000103';
    await evaluation.receive([atA(no)], AS_OF, 'test');
    // The previous release stored version 2 (at B) and evaluated B, but listed nothing.
    const v2 = atB(no);
    await db.query(
      `INSERT INTO supervision_versions (insurer, kind, subject, version, uscc, record, accepted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [v2.insurer, v2.kind, v2.subject, v2.version, v2.uscc, v2.input.record, v2.input.acceptedAt],
    );
    expect(await versions.listMovedRecords()).toBe(2);
    expect(await versions.listMovedRecords()).toBe(0);
    // Chunks holding one enterprise each: the record is found at B from either.
    await evaluation.evaluate([USCC], AS_OF, 'test');
    expect(await openAbout(no)).toEqual([]);
    await evaluation.evaluate([OTHER_USCC], AS_OF, 'test');
    expect(await openAbout(no)).toEqual([OTHER_USCC]);
  });
});
