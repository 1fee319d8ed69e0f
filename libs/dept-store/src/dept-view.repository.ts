import type { ViewKind } from './view-kind';
import type { DataSource } from 'typeorm';
import type { DepartmentScope } from './department-scope';
import { DepartmentScopedRepository } from './department-scoped.repository';

export interface ViewFilter {
  uscc?: string;
  /** A region code or a prefix of one (e.g. `3301` for a city). */
  region?: string;
  sector?: string;
  status?: string;
  level?: string;
  updatedSince?: Date;
  insurer?: string;
  /**
   * A period of business dates (`YYYY-MM-DD`, Beijing, both inclusive) on the record's own date: an accident's
   * `occurredAt`, a claim's `filedAt` (rows of other kinds have none and never match).
   */
  recordFrom?: string;
  recordTo?: string;
}

export interface ViewRow {
  kind: ViewKind;
  insurer: string;
  subject: string;
  version: number;
  eventId: string;
  action: string;
  uscc: string;
  region: string;
  sector: string;
  status: string | null;
  level: string | null;
  urgent: boolean;
  businessTime: string;
  updatedAt: Date;
  data: unknown;
}

interface Row {
  kind: ViewKind;
  insurer: string;
  subject: string;
  version: number;
  event_id: string;
  action: string;
  uscc: string;
  region: string;
  sector: string;
  status: string | null;
  level: string | null;
  urgent: boolean;
  business_time: string;
  updated_at: Date;
  data: unknown;
}

const toView = (r: Row): ViewRow => ({
  kind: r.kind,
  insurer: r.insurer,
  subject: r.subject,
  version: r.version,
  eventId: r.event_id,
  action: r.action,
  uscc: r.uscc,
  region: r.region,
  sector: r.sector,
  status: r.status,
  level: r.level,
  urgent: r.urgent,
  businessTime: r.business_time,
  updatedAt: r.updated_at,
  data: r.data,
});

const COLUMNS =
  'v.kind, v.insurer, v.subject, v.version, v.event_id, v.action, v.uscc, v.region, v.sector, v.status, v.level, v.urgent, v.business_time, v.updated_at, p.data';
/** View rows with their payload (the masked record). */
const VIEWS = 'dept_views v JOIN dept_payloads p ON p.payload_id = v.payload_id';

/** Keyset position in a department's view of one kind: the last (insurer, subject) returned. */
export interface ViewCursor {
  insurer: string;
  subject: string;
}

export interface ViewRepositoryOptions {
  /**
   * Also filter by department in SQL (defence in depth on top of row-level security). Tests switch it off to prove
   * that the database alone isolates departments.
   */
  applicationFilter: boolean;
}

/** Read side of department views, on the API's connection (role `ajx_api`, row-level security applies). */
export class DeptViewRepository extends DepartmentScopedRepository {
  constructor(
    db: DataSource,
    private readonly options: ViewRepositoryOptions = { applicationFilter: true },
  ) {
    super(db);
  }

  page(
    scope: DepartmentScope,
    kind: ViewKind,
    f: ViewFilter,
    after: ViewCursor | null,
    limit: number,
  ): Promise<ViewRow[]> {
    return this.inScope(scope, async (tx, departmentId) => {
      const rows = await tx.query<Row[]>(
        `SELECT ${COLUMNS} FROM ${VIEWS}
         WHERE kind = $1
           AND ($2::boolean IS FALSE OR department_id = $3)
           AND ($4::text IS NULL OR uscc = $4)
           AND ($5::text IS NULL OR region LIKE $5 || '%')
           AND ($6::text IS NULL OR sector = $6)
           AND ($7::text IS NULL OR status = $7)
           AND ($8::text IS NULL OR level = $8)
           AND ($9::timestamptz IS NULL OR updated_at >= $9)
           AND ($10::text IS NULL OR insurer = $10)
           AND ($11::text IS NULL OR (insurer, subject) > ($11, $12))
           AND ($14::text IS NULL OR record_time >= $14)
           AND ($15::text IS NULL OR left(record_time, 10) <= $15)
         ORDER BY insurer, subject
         LIMIT $13`,
        [
          kind,
          this.options.applicationFilter,
          departmentId,
          f.uscc ?? null,
          f.region ?? null,
          f.sector ?? null,
          f.status ?? null,
          f.level ?? null,
          f.updatedSince ?? null,
          f.insurer ?? null,
          after?.insurer ?? null,
          after?.subject ?? null,
          limit,
          f.recordFrom ?? null,
          f.recordTo ?? null,
        ],
      );
      return rows.map(toView);
    });
  }

  /** The department's rows for a subject (policy numbers are unique only per insurer, so there may be several). */
  bySubject(scope: DepartmentScope, kind: ViewKind, subject: string, insurer?: string): Promise<ViewRow[]> {
    return this.inScope(scope, async (tx, departmentId) => {
      const rows = await tx.query<Row[]>(
        `SELECT ${COLUMNS} FROM ${VIEWS}
         WHERE kind = $1 AND subject = $2 AND ($3::text IS NULL OR insurer = $3)
           AND ($4::boolean IS FALSE OR department_id = $5)
         ORDER BY insurer LIMIT 20`,
        [kind, subject, insurer ?? null, this.options.applicationFilter, departmentId],
      );
      return rows.map(toView);
    });
  }
}
