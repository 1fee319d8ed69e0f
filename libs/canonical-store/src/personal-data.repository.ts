import { holdsPersonalFields, redactedPersonalFields, returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One record of the canonical store. */
export interface RecordKey {
  insurer: string;
  kind: string;
  subject: string;
}

export interface CanonicalRedaction {
  /** Event versions whose personal fields were redacted now. */
  events: number;
  /** Correction history rows redacted now. */
  corrections: number;
  /** Every record concerned (also those redacted before), for the department payloads. */
  records: RecordKey[];
}

/**
 * Personal data in the canonical store and the DLQ (docs/operations.md, "Personal data"): redaction for an erasure
 * request or at the end of the retention period, and removal of raw DLQ bytes. Content hashes are kept, so the same
 * record delivered again is still a duplicate (and does not bring the erased values back).
 */
@Injectable()
export class PersonalDataRepository {
  constructor(private readonly db: DataSource) {}

  /** Redacts every version (and correction) of every record of one enterprise. */
  redactEnterprise(uscc: string): Promise<CanonicalRedaction> {
    return this.redact(`SELECT insurer, kind, subject FROM canonical_events WHERE uscc = $1 GROUP BY 1, 2, 3`, [uscc]);
  }

  /** Redacts records whose latest version was accepted before `cutoff` (nothing has happened to them since). */
  redactIdleRecords(cutoff: Date): Promise<CanonicalRedaction> {
    return this.redact(
      `SELECT r.insurer, r.kind, r.subject FROM canonical_records r JOIN canonical_events e ON e.event_id = r.event_id
        WHERE e.accepted_at < $1 AND r.kind IN ('policy', 'service')
          AND EXISTS (SELECT 1 FROM canonical_events v WHERE v.insurer = r.insurer AND v.kind = r.kind
                        AND v.subject = r.subject AND ${holdsPersonalFields('v.data')})`,
      [cutoff],
    );
  }

  /** Batches that carried records of the enterprise (their stored uploads hold its personal data). */
  async batchesOfEnterprise(uscc: string): Promise<string[]> {
    const rows = await this.db.query<{ batch_id: string }[]>(
      `SELECT DISTINCT batch_id FROM canonical_events WHERE uscc = $1 AND batch_id IS NOT NULL`,
      [uscc],
    );
    return rows.map((r) => r.batch_id);
  }

  /** Removes the raw bytes of DLQ entries rejected before `cutoff`; the entry (code, message, index) stays. */
  async purgeDlqRawBefore(cutoff: Date): Promise<number> {
    return this.purgeDlq(`rejected_at < $1`, [cutoff]);
  }

  /** Removes the raw bytes of DLQ entries whose raw record names the enterprise. */
  async purgeDlqRawOfEnterprise(uscc: string): Promise<number> {
    return this.purgeDlq(`position(convert_to($1, 'UTF8') in raw_value) > 0`, [uscc]);
  }

  private async purgeDlq(where: string, params: unknown[]): Promise<number> {
    const rows = await returningRows<{ id: string }>(
      this.db,
      `UPDATE dlq_entries SET raw_value = NULL, raw_purged_at = now()
        WHERE raw_purged_at IS NULL AND ${where} RETURNING id`,
      params,
    );
    return rows.length;
  }

  private redact(recordsSql: string, params: unknown[]): Promise<CanonicalRedaction> {
    return this.db.transaction(async (tx) => {
      const records = await tx.query<RecordKey[]>(recordsSql, params);
      if (records.length === 0) return { events: 0, corrections: 0, records };
      const keys = [records.map((r) => r.insurer), records.map((r) => r.kind), records.map((r) => r.subject)];
      const events = await returningRows<unknown>(
        tx,
        `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS k(insurer, kind, subject))
         UPDATE canonical_events e SET data = ${redactedPersonalFields('e.data')}
           FROM k WHERE e.insurer = k.insurer AND e.kind = k.kind AND e.subject = k.subject
            AND ${holdsPersonalFields('e.data')}
         RETURNING e.event_id`,
        keys,
      );
      const corrections = await returningRows<unknown>(
        tx,
        `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS k(insurer, kind, subject))
         UPDATE canonical_corrections c SET previous_data = ${redactedPersonalFields('c.previous_data')}
           FROM canonical_events e, k
          WHERE c.event_id = e.event_id AND e.insurer = k.insurer AND e.kind = k.kind AND e.subject = k.subject
            AND ${holdsPersonalFields('c.previous_data')}
         RETURNING c.event_id`,
        keys,
      );
      return { events: events.length, corrections: corrections.length, records };
    });
  }
}
