import { holdsPersonalFields, redactedPersonalFields, returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Personal data in the department copies: the payloads the views and feeds of these records point at are redacted
 * like the canonical store (masked values such as 张** included). Views and feeds keep their rows and sequences.
 */
@Injectable()
export class DeptPersonalDataRepository {
  constructor(private readonly db: DataSource) {}

  async redactPayloadsOf(records: readonly { insurer: string; kind: string; subject: string }[]): Promise<number> {
    if (records.length === 0) return 0;
    const rows = await returningRows<unknown>(
      this.db,
      `WITH k AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS k(insurer, kind, subject)),
            ids AS (SELECT v.payload_id FROM dept_views v JOIN k USING (insurer, kind, subject)
                    UNION SELECT f.payload_id FROM dept_feed f JOIN k USING (insurer, kind, subject)
                     WHERE f.payload_id IS NOT NULL)
       UPDATE dept_payloads p SET data = ${redactedPersonalFields('p.data')}
         FROM ids WHERE p.payload_id = ids.payload_id AND ${holdsPersonalFields('p.data')}
       RETURNING p.payload_id`,
      [records.map((r) => r.insurer), records.map((r) => r.kind), records.map((r) => r.subject)],
    );
    return rows.length;
  }
}
