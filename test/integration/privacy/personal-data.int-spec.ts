import fs from 'node:fs';
import { AuditRepository, AuditSigner, AuditVerifier } from '@ajx/audit';
import { ErasureLedgerRepository, PersonalDataRepository } from '@ajx/canonical-store';
import { DeptPersonalDataRepository } from '@ajx/dept-store';
import { IngestBatchRepository } from '@ajx/ingest-store';
import { createKafka } from '@ajx/messaging';
import { holdsPersonalFields } from '@ajx/persistence';
import { testRuntime, waitFor } from '@ajx/testing';
import { ConfigResourceTypes } from 'kafkajs';
import { PrivacyService } from '../../../apps/cli/src/privacy/privacy.service';
import { RetentionConfig } from '../../../apps/cli/src/privacy/retention.config';
import { AuditLog } from '@ajx/audit';
import { CONTENT_TYPES, getJson, sampleFiles, TestHub, upload } from '../support/hub';
import { runCli } from '../support/kafka-users';

/**
 * Personal data (PIPL, docs/operations.md "Personal data"): an erasure request for one enterprise redacts its
 * 联系人, 电话, staff names and 证书号 in the canonical store, the department copies (read back through the department
 * API), the DLQ's raw bytes and the stored uploads — and nothing of other enterprises; it is recorded in the ledger
 * and the audit chain, which still verifies, and a re-sent file does not bring the values back. The retention job
 * enforces each store's period; `ajx topics ensure` gives the raw topics the configured retention.
 */
describe('personal data: erasure and retention', () => {
  const hub = new TestHub('privacy', {
    services: ['gateway', 'normalizer', 'router'],
    gateway: { AJX_RULE_PACK: 'jining@1' },
    router: { AJX_RULE_PACK: 'jining@1' },
  });
  const files = ['s1-picc-policy.csv', 's1-picc-service.csv'].map((f) =>
    sampleFiles('PICC').find((p) => p.endsWith(f))!,
  );
  let insurerToken: string;
  const deptTokens: Record<string, string> = {};
  const batches: string[] = [];

  const env = () => ({ AJX_DATABASE_URL: hub.databaseUrl, AJX_LOG_LEVEL: 'warn' });
  const personalEvents = async (where: string, params: unknown[] = []): Promise<number> =>
    (
      await hub.db.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM canonical_events e WHERE ${where} AND ${holdsPersonalFields('e.data')}`,
        params,
      )
    )[0].n;

  beforeAll(async () => {
    await hub.start();
    insurerToken = await hub.principal({ id: 'PICC', type: 'insurer', name: '人保财险' });
    for (const [id, region] of [
      ['priv-sd-emergency', '370000'],
      ['priv-zj-emergency', '330000'],
    ] as const) {
      deptTokens[region.slice(0, 2)] = await hub.principal({
        id,
        type: 'department',
        name: `${id} 应急管理厅`,
        department: { kind: 'emergency', level: 'province', regionCode: region },
      });
    }
    // The router projects the new departments' (empty) histories before the records come (docs/reliability.md).
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM projection_jobs WHERE status = 'done'`))[0]
          .n === 2,
      { timeoutMs: 60_000, what: 'projection of the departments' },
    );
    for (const file of files) {
      const res = await upload(hub.url(), insurerToken, 'PICC', fs.readFileSync(file), CONTENT_TYPES.PICC);
      expect(res.status).toBe(202);
      batches.push(String(res.body.batchId));
      await waitFor(
        async () => (await getJson(`${hub.url()}/v1/ingest/batches/${batches.at(-1)}`, insurerToken)).body?.complete,
        { timeoutMs: 60_000, what: 'batch complete' },
      );
    }
    // Routed: every department copy written.
    await waitFor(
      async () =>
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM route_records`))[0].n ===
        (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM canonical_records`))[0].n,
      { timeoutMs: 60_000, what: 'routed' },
    );
  });
  afterAll(() => hub.stop());

  /** The enterprise with the most personal data, in a province one of the departments covers. */
  async function subjectEnterprise(): Promise<{ uscc: string; policyNo: string; province: string }> {
    const [row] = await hub.db.query<{ uscc: string; subject: string; region: string }[]>(
      `SELECT uscc, subject, region FROM canonical_events
        WHERE kind = 'policy' AND data->'contact'->>'name' IS NOT NULL AND left(region, 2) IN ('37', '33')
          AND uscc IN (SELECT uscc FROM canonical_events WHERE kind = 'service')
        ORDER BY uscc LIMIT 1`,
    );
    expect(row).toBeDefined();
    return { uscc: row.uscc, policyNo: row.subject, province: row.region.slice(0, 2) };
  }

  it('erases one enterprise’s personal fields everywhere, records it, keeps the audit chain verifiable', async () => {
    const { uscc, policyNo, province } = await subjectEnterprise();
    const othersBefore = await personalEvents('e.uscc <> $1', [uscc]);
    expect(await personalEvents('e.uscc = $1', [uscc])).toBeGreaterThan(0);
    const viewBefore = await getJson(`${hub.url()}/v1/dept/policies/${policyNo}?insurer=PICC`, deptTokens[province]);
    expect(viewBefore.body.data.contact.name).toEqual(expect.any(String));

    const res = runCli(['privacy', 'erase', '--uscc', uscc, '--reason', '企业申请删除个人信息 2026-001'], env());
    expect([res.status, res.stderr]).toEqual([0, expect.any(String)]);
    const erasure = JSON.parse(res.stdout) as { id: string; counts: Record<string, number> };
    expect(erasure.counts).toMatchObject({ events: expect.any(Number), departmentPayloads: expect.any(Number) });
    expect(erasure.counts.events).toBeGreaterThan(0);
    expect(erasure.counts.departmentPayloads).toBeGreaterThan(0);

    // Canonical store: nothing personal of the enterprise; everything of the others untouched.
    expect(await personalEvents('e.uscc = $1', [uscc])).toBe(0);
    expect(await personalEvents('e.uscc <> $1', [uscc])).toBe(othersBefore);
    // The department API serves the redacted copy.
    const viewAfter = await getJson(`${hub.url()}/v1/dept/policies/${policyNo}?insurer=PICC`, deptTokens[province]);
    expect(viewAfter.status).toBe(200);
    expect(viewAfter.body.data.contact).toEqual({ name: null, phone: null });
    const staff = await hub.db.query<{ data: { staff: { name: string; certificateNo: string | null }[] } }[]>(
      `SELECT p.data FROM dept_payloads p JOIN dept_views v ON v.payload_id = p.payload_id
        WHERE v.uscc = $1 AND v.kind = 'service'`,
      [uscc],
    );
    expect(staff.length).toBeGreaterThan(0);
    for (const s of staff.flatMap((r) => r.data.staff)) expect(s).toEqual({ name: '[已删除]', certificateNo: null });
    // The stored uploads that carried it are gone and marked.
    const uploads = await hub.db.query<{ upload_path: string; upload_purged_at: Date | null }[]>(
      `SELECT upload_path, upload_purged_at FROM ingest_batches WHERE batch_id = ANY ($1::uuid[])`,
      [batches],
    );
    for (const u of uploads) {
      expect(u.upload_purged_at).not.toBeNull();
      expect(fs.existsSync(u.upload_path)).toBe(false);
    }
    // Recorded: the ledger and the audit log (not the values); the chain verifies once sealed.
    const ledger = runCli(['privacy', 'erasures', '--uscc', uscc], env());
    expect(JSON.parse(ledger.stdout)).toMatchObject({ id: erasure.id, uscc, reason: '企业申请删除个人信息 2026-001' });
    await waitFor(async () => (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_entries WHERE action = 'privacy.erasure' AND block_no IS NOT NULL`))[0].n === 1, { what: 'erasure sealed' }); // prettier-ignore
    const key = AuditSigner.fromPem(fs.readFileSync(hub.auditKeyFile, 'utf8')).verifier();
    expect(await new AuditVerifier(new AuditRepository(hub.db)).verify(key)).toMatchObject({ ok: true });

    // The insurer sends the same file again: a duplicate, the erased values do not come back.
    const again = await upload(hub.url(), insurerToken, 'PICC', fs.readFileSync(files[0]), CONTENT_TYPES.PICC);
    expect([again.status, again.body.duplicate]).toEqual([200, true]);
    expect(await personalEvents('e.uscc = $1', [uscc])).toBe(0);
  });

  it('refuses an erasure without a valid credit code or a reason', () => {
    expect(runCli(['privacy', 'erase', '--uscc', 'NOT-A-USCC', '--reason', 'request 1'], env()).status).toBe(2);
    expect(runCli(['privacy', 'erase', '--uscc', '91370800MA3C5Q6X1B', '--reason', ' '], env()).status).toBe(2);
  });

  it('enforces each store’s retention period, recording what it did', async () => {
    const config = Object.assign(new RetentionConfig(), { AJX_DATABASE_URL: hub.databaseUrl });
    const service = new PrivacyService(
      new PersonalDataRepository(hub.db),
      new DeptPersonalDataRepository(hub.db),
      new ErasureLedgerRepository(hub.db),
      new IngestBatchRepository(hub.db),
      new AuditRepository(hub.db),
      new AuditLog(new AuditRepository(hub.db)),
    );
    // One more upload, whose stored file only the retention period concerns.
    const hazards = sampleFiles('PICC').find((p) => p.endsWith('s1-picc-hazard.csv'))!;
    const up = await upload(hub.url(), insurerToken, 'PICC', fs.readFileSync(hazards), CONTENT_TYPES.PICC);
    expect(up.status).toBe(202);
    await waitFor(
      async () =>
        (await getJson(`${hub.url()}/v1/ingest/batches/${String(up.body.batchId)}`, insurerToken)).body?.complete,
      { timeoutMs: 60_000, what: 'hazard batch complete' },
    );
    const [stored] = await hub.db.query<{ upload_path: string }[]>(
      `SELECT upload_path FROM ingest_batches WHERE batch_id = $1`,
      [up.body.batchId],
    );
    expect(fs.existsSync(stored.upload_path)).toBe(true);
    // Today nothing is due (the defaults: uploads 30 days, DLQ raw 90 days, personal fields 5 years).
    const now = runCli(['retention', 'run', '--dry-run'], env());
    expect(JSON.parse(now.stdout)).toMatchObject({ dryRun: true, uploadsPurged: 0 });
    expect(await personalEvents('true')).toBeGreaterThan(0);
    const dlqRaw = async () =>
      (await hub.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM dlq_entries WHERE raw_value IS NOT NULL`))[0]
        .n;
    expect(await dlqRaw()).toBeGreaterThan(0);

    // Six years on: every period has passed.
    const later = new Date(Date.now() + 6 * 365 * 86_400_000);
    const report = await service.runRetention(config, 'test', later);
    expect(report.uploadsPurged).toBe(1);
    expect(fs.existsSync(stored.upload_path)).toBe(false);
    expect(report.dlqRawPurged).toBeGreaterThan(0);
    expect(report.eventsRedacted).toBeGreaterThan(0);
    expect(await personalEvents('true')).toBe(0);
    expect(await dlqRaw()).toBe(0);
    const dlqKept = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM dlq_entries WHERE raw_purged_at IS NOT NULL AND code IS NOT NULL`,
    );
    expect(dlqKept[0].n).toBe(report.dlqRawPurged);
    // Done once: a second run finds nothing.
    expect(await service.runRetention(config, 'test', later)).toMatchObject({
      dlqRawPurged: 0,
      eventsRedacted: 0,
      uploadsPurged: 0,
    });
    const audited = await hub.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_entries WHERE action = 'privacy.retention'`,
    );
    expect(audited[0].n).toBe(2);
  });

  it('gives the raw topics the configured retention (AJX_RETENTION_RAW_DAYS)', async () => {
    const prefix = `${hub.ns.topicPrefix}ret.`;
    const res = runCli(['topics', 'ensure', '--insurers', 'PICC'], {
      AJX_KAFKA_BROKERS: testRuntime().brokers.join(','),
      AJX_TOPIC_PREFIX: prefix,
      AJX_RETENTION_RAW_DAYS: '365',
      AJX_LOG_LEVEL: 'warn',
    });
    expect(res.status).toBe(0);
    const admin = createKafka({ brokers: testRuntime().brokers, clientId: 'privacy-test' }).admin();
    await admin.connect();
    try {
      const described = await admin.describeConfigs({
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: `${prefix}ajx.raw.v1.PICC`, configNames: ['retention.ms'] },
        ],
        includeSynonyms: false,
      });
      expect(described.resources[0].configEntries[0].configValue).toBe(String(365 * 86_400_000));
    } finally {
      await admin.disconnect();
    }
  });
});
