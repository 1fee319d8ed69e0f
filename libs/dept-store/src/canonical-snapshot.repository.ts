import type { RecordKind, Sector } from '@ajx/contracts';
import type { DataSource } from 'typeorm';

export interface SnapshotRecord {
  kind: RecordKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  uscc: string;
  region: string;
  sector: Sector;
  data: unknown;
  type: string;
  businessTime: string;
  acceptedAt: Date;
}

export interface SnapshotFilter {
  regionPrefix?: string;
  kinds?: readonly RecordKind[];
  sectors?: readonly Sector[] | null;
}

/** Pages through the latest state of every record (canonical store) for re-projection. */
export class CanonicalSnapshotRepository {
  constructor(private readonly db: DataSource) {}

  async page(
    f: SnapshotFilter,
    after: string | null,
    limit: number,
  ): Promise<{ records: SnapshotRecord[]; next: string | null }> {
    const [kind, insurer, subject] = after ? (JSON.parse(after) as string[]) : [null, null, null];
    const rows = await this.db.query<
      {
        kind: RecordKind;
        insurer: string;
        subject: string;
        version: number;
        event_id: string;
        uscc: string;
        region: string;
        sector: Sector;
        data: unknown;
        type: string;
        business_time: string;
        accepted_at: Date;
      }[]
    >(
      `SELECT r.kind, r.insurer, r.subject, r.version, r.event_id, r.uscc, r.region, r.sector, e.data, e.type,
              e.business_time, e.accepted_at
       FROM canonical_records r JOIN canonical_events e ON e.event_id = r.event_id
       WHERE ($1::text IS NULL OR r.region LIKE $1 || '%')
         AND ($2::text[] IS NULL OR r.kind = ANY($2))
         AND ($3::text[] IS NULL OR r.sector = ANY($3))
         AND ($4::text IS NULL OR (r.kind, r.insurer, r.subject) > ($4, $5, $6))
       ORDER BY r.kind, r.insurer, r.subject LIMIT $7`,
      [f.regionPrefix ?? null, f.kinds ?? null, f.sectors ?? null, kind, insurer, subject, limit],
    );
    const records = rows.map((r) => ({
      kind: r.kind,
      insurer: r.insurer,
      subject: r.subject,
      version: r.version,
      eventId: r.event_id,
      uscc: r.uscc,
      region: r.region,
      sector: r.sector,
      data: r.data,
      type: r.type,
      businessTime: r.business_time,
      acceptedAt: r.accepted_at,
    }));
    const last = records[records.length - 1];
    return {
      records,
      next: records.length === limit && last ? JSON.stringify([last.kind, last.insurer, last.subject]) : null,
    };
  }
}
