import { Injectable } from '@nestjs/common';
import { jsonRows, returningRows } from '@ajx/persistence';
import type { SupervisedKind, SupervisionInput } from '@ajx/supervision';
import { DataSource, type EntityManager } from 'typeorm';

/** A version of a record as the supervision service keeps it: what the rules read of it, and when it was accepted. */
export interface StoredVersion {
  insurer: string;
  kind: SupervisedKind;
  subject: string;
  version: number;
  uscc: string;
  input: SupervisionInput;
}

interface VersionDbRow {
  insurer: string;
  kind: SupervisedKind;
  subject: string;
  version: number;
  uscc: string;
  record: SupervisionInput['record'];
  accepted_at: string | null;
}

type Queryable = Pick<EntityManager, 'query'> | Pick<DataSource, 'query'>;

/**
 * `supervision_versions`: every version of every record the rules read, the first received of each (a version received
 * again changes nothing — SUPERVISION.md, Inputs). The state of an enterprise is rebuilt from these rows whenever it is
 * evaluated, so the service holds nothing in memory between evaluations.
 */
@Injectable()
export class SupervisionVersionsRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts the versions not yet received; returns those that were new (the others were received before). */
  async insertNew(tx: Queryable, versions: readonly StoredVersion[]): Promise<StoredVersion[]> {
    if (!versions.length) return [];
    const rows = versions.map((v) => ({
      insurer: v.insurer,
      kind: v.kind,
      subject: v.subject,
      version: v.version,
      uscc: v.uscc,
      rec: v.input.record,
      accepted_at: v.input.acceptedAt,
    }));
    const inserted = await returningRows<Pick<VersionDbRow, 'insurer' | 'kind' | 'subject' | 'version'>>(
      tx,
      `INSERT INTO supervision_versions (insurer, kind, subject, version, uscc, record, accepted_at)
       SELECT insurer, kind, subject, version, uscc, rec, accepted_at
         FROM jsonb_to_recordset($1::jsonb)
           AS r(insurer text, kind text, subject text, version int, uscc text, rec jsonb, accepted_at text)
       ON CONFLICT DO NOTHING
       RETURNING insurer, kind, subject, version`,
      [jsonRows(rows)],
    );
    const key = (v: { insurer: string; kind: string; subject: string; version: number }) =>
      `${v.insurer}\u0000${v.kind}\u0000${v.subject}\u0000${v.version}`;
    const fresh = new Set(inserted.map(key));
    return versions.filter((v) => fresh.has(key(v)));
  }

  /**
   * The enterprises (other than `usccs`) that held earlier versions of the given records: a new version that moves a
   * record to another enterprise changes the evaluation of both.
   */
  async formerEnterprises(
    tx: Queryable,
    records: readonly { insurer: string; kind: string; subject: string }[],
  ): Promise<string[]> {
    if (!records.length) return [];
    const rows = await tx.query<{ uscc: string }[]>(
      `SELECT DISTINCT v.uscc
         FROM supervision_versions v
         JOIN jsonb_to_recordset($1::jsonb) AS r(insurer text, kind text, subject text)
           ON v.insurer = r.insurer AND v.kind = r.kind AND v.subject = r.subject`,
      [jsonRows(records)],
    );
    return rows.map((r) => r.uscc);
  }

  /**
   * Every version of every record that has (or had) a version in one of the enterprises: what their state is rebuilt
   * from. A record whose latest version names another enterprise is placed there by the state itself.
   */
  async versionsOf(tx: Queryable, usccs: readonly string[]): Promise<StoredVersion[]> {
    if (!usccs.length) return [];
    const rows = await tx.query<VersionDbRow[]>(
      `SELECT v.insurer, v.kind, v.subject, v.version, v.uscc, v.record, v.accepted_at
         FROM supervision_versions v
        WHERE (v.insurer, v.kind, v.subject) IN (
                SELECT insurer, kind, subject FROM supervision_versions WHERE uscc = ANY($1::text[]))`,
      [usccs],
    );
    return rows.map((r) => ({
      insurer: r.insurer,
      kind: r.kind,
      subject: r.subject,
      version: r.version,
      uscc: r.uscc,
      input: { kind: r.kind, record: r.record, acceptedAt: r.accepted_at } as SupervisionInput,
    }));
  }

  /** Every enterprise the service holds records of. */
  async enterprises(): Promise<string[]> {
    const rows = await this.db.query<{ uscc: string }[]>(`SELECT DISTINCT uscc FROM supervision_versions`);
    return rows.map((r) => r.uscc);
  }

  /**
   * Every version held, as the rules read them (reports evaluate a past date over everything held), with the
   * watermark of what was read: how many versions and the latest acceptance among them — in one snapshot.
   */
  async everything(): Promise<{ inputs: SupervisionInput[]; versions: number; latestAcceptedAt: string | null }> {
    const rows = await this.db.query<Pick<VersionDbRow, 'kind' | 'record' | 'accepted_at'>[]>(
      `SELECT kind, record, accepted_at FROM supervision_versions ORDER BY received_at, insurer, kind, subject, version`,
    );
    let latest: string | null = null;
    let latestMs = -Infinity;
    for (const r of rows) {
      const ms = r.accepted_at === null ? NaN : Date.parse(r.accepted_at);
      if (ms > latestMs) {
        latestMs = ms;
        latest = r.accepted_at;
      }
    }
    return {
      inputs: rows.map((r) => ({ kind: r.kind, record: r.record, acceptedAt: r.accepted_at }) as SupervisionInput),
      versions: rows.length,
      latestAcceptedAt: latest,
    };
  }

  /** Versions held (a figure for metrics and runs). */
  async count(): Promise<number> {
    const [r] = await this.db.query<{ n: string }[]>(`SELECT count(*) AS n FROM supervision_versions`);
    return Number(r.n);
  }
}
