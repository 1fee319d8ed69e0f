import fs from 'node:fs';
import type { AuditLog, AuditRepository } from '@ajx/audit';
import type { ErasureLedgerRepository, ErasureRecord, PersonalDataRepository } from '@ajx/canonical-store';
import type { DeptPersonalDataRepository } from '@ajx/dept-store';
import type { IngestBatchRepository } from '@ajx/ingest-store';
import type { RetentionConfig } from './retention.config';

const DAY_MS = 86_400_000;
const USCC = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export interface RetentionReport {
  dryRun: boolean;
  uploadsPurged: number;
  dlqRawPurged: number;
  eventsRedacted: number;
  correctionsRedacted: number;
  payloadsRedacted: number;
  /** Audit entries past AJX_RETENTION_AUDIT_DAYS: kept (reported only). */
  auditEntriesPastRetention: number;
}

/**
 * Retention and erasure of personal data (PIPL). Both redact or remove the personal data itself and record what they
 * did — in the audit log (`privacy.erasure`, `privacy.retention`) and, for an erasure, in the erasure ledger — so
 * the audit chain stays verifiable and nothing disappears silently.
 */
export class PrivacyService {
  constructor(
    private readonly canonical: PersonalDataRepository,
    private readonly dept: DeptPersonalDataRepository,
    private readonly ledger: ErasureLedgerRepository,
    private readonly batches: IngestBatchRepository,
    private readonly auditEntries: AuditRepository,
    private readonly audit: AuditLog,
  ) {}

  /** An erasure request for one enterprise's personal fields, everywhere the hub keeps them. */
  async erase(uscc: string, reason: string, actor: string): Promise<ErasureRecord> {
    if (!USCC.test(uscc)) throw new Error(`${uscc} is not a unified social credit code (18 characters, GB 32100)`);
    if (reason.trim().length < 4) throw new Error('give the reason of the erasure (the request it answers)');
    const redaction = await this.canonical.redactEnterprise(uscc);
    const payloads = await this.dept.redactPayloadsOf(redaction.records);
    const dlqRaw = await this.canonical.purgeDlqRawOfEnterprise(uscc);
    const uploads = await this.purgeUploads({ batchIds: await this.canonical.batchesOfEnterprise(uscc) });
    const counts = {
      records: redaction.records.length,
      events: redaction.events,
      corrections: redaction.corrections,
      departmentPayloads: payloads,
      dlqRaw,
      uploads,
    };
    const erasure = await this.ledger.record({ uscc, reason: reason.trim(), requestedBy: actor, counts });
    await this.audit.record({
      actor,
      action: 'privacy.erasure',
      target: uscc,
      outcome: 'ok',
      details: { erasure: erasure.id, reason: erasure.reason, counts },
    });
    return erasure;
  }

  /** Enforces the retention periods once (`--dry-run`: counts what is due without changing anything). */
  async runRetention(
    config: RetentionConfig,
    actor: string,
    now = new Date(),
    dryRun = false,
  ): Promise<RetentionReport> {
    const before = (days: number) => (days > 0 ? new Date(now.getTime() - days * DAY_MS) : null);
    const uploadCutoff = before(config.AJX_RETENTION_UPLOAD_DAYS);
    const dlqCutoff = before(config.AJX_RETENTION_DLQ_RAW_DAYS);
    const personalCutoff = before(config.AJX_RETENTION_PERSONAL_DAYS);
    const report: RetentionReport = {
      dryRun,
      uploadsPurged: 0,
      dlqRawPurged: 0,
      eventsRedacted: 0,
      correctionsRedacted: 0,
      payloadsRedacted: 0,
      auditEntriesPastRetention: await this.auditEntries.countBefore(before(config.AJX_RETENTION_AUDIT_DAYS)!),
    };
    if (dryRun) {
      report.uploadsPurged = uploadCutoff ? (await this.batches.uploadsToPurge({ before: uploadCutoff })).length : 0;
      return report;
    }
    if (uploadCutoff) report.uploadsPurged = await this.purgeUploads({ before: uploadCutoff });
    if (dlqCutoff) report.dlqRawPurged = await this.canonical.purgeDlqRawBefore(dlqCutoff);
    if (personalCutoff) {
      const r = await this.canonical.redactIdleRecords(personalCutoff);
      report.eventsRedacted = r.events;
      report.correctionsRedacted = r.corrections;
      report.payloadsRedacted = await this.dept.redactPayloadsOf(r.records);
    }
    const { dryRun: _d, ...counts } = report;
    await this.audit.record({ actor, action: 'privacy.retention', target: null, outcome: 'ok', details: counts });
    return report;
  }

  /** Deletes stored upload files (a file already gone counts as deleted) and marks their batches. */
  private async purgeUploads(f: { before?: Date; batchIds?: string[] }): Promise<number> {
    if (f.batchIds && f.batchIds.length === 0) return 0;
    const due = await this.batches.uploadsToPurge(f);
    for (const u of due) {
      fs.rmSync(u.path, { force: true });
      await this.batches.markUploadPurged(u.batchId);
    }
    return due.length;
  }
}
