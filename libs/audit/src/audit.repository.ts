import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditEntry, AuditEntryInput } from './audit-entry';

interface EntryRow {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string | null;
  outcome: AuditEntry['outcome'];
  details: Record<string, unknown>;
  request_id: string | null;
  block_no?: string | null;
  position?: number | null;
}

export interface AuditBlockRow {
  block_no: string;
  entries: number;
  entry_ids: string[];
  entry_hashes: Buffer[];
  entries_hash: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
  key_id: string;
  signature: Buffer;
  sealed_at: Date;
}

export function toAuditEntry(r: EntryRow): AuditEntry {
  return {
    id: String(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    details: r.details,
    requestId: r.request_id,
  };
}

const ENTRY_COLUMNS = 'id, at, actor, action, target, outcome, details, request_id';
/** Two sealers never run at once (any instance may try). */
const SEALER_LOCK = 7_301_001;

@Injectable()
export class AuditRepository {
  constructor(private readonly db: DataSource) {}

  async insert(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db.query(
      `INSERT INTO audit_entries (actor, action, target, outcome, details, request_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[])`,
      [
        entries.map((e) => e.actor),
        entries.map((e) => e.action),
        entries.map((e) => e.target ?? null),
        entries.map((e) => e.outcome),
        entries.map((e) => JSON.stringify(e.details ?? {})),
        entries.map((e) => e.requestId ?? null),
      ],
    );
  }

  /**
   * Runs `work` under the sealer lock with the next unsealed entries that are committed. A block lists its entry ids
   * explicitly, so an entry that commits late (a lower id than entries already sealed) simply goes into a later
   * block: it is never skipped, and sealing never waits for transactions elsewhere in the cluster.
   */
  async withSealableEntries<T>(
    limit: number,
    work: (tx: EntityManager, head: AuditBlockRow | null, entries: AuditEntry[]) => Promise<T>,
  ): Promise<T | null> {
    return this.db.transaction(async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        SEALER_LOCK,
      ]);
      if (!locked) return null;
      const head = await tx.query<AuditBlockRow[]>(`SELECT * FROM audit_blocks ORDER BY block_no DESC LIMIT 1`);
      const rows = await tx.query<EntryRow[]>(
        `SELECT ${ENTRY_COLUMNS} FROM audit_entries
         WHERE block_no IS NULL
         ORDER BY id LIMIT $1`,
        [limit],
      );
      return work(tx, head[0] ?? null, rows.map(toAuditEntry));
    });
  }

  async insertBlock(tx: EntityManager, b: Omit<AuditBlockRow, 'sealed_at'>): Promise<void> {
    await tx.query(
      `INSERT INTO audit_blocks (block_no, entries, entry_ids, entry_hashes, entries_hash, prev_hash, hash, key_id, signature)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [b.block_no, b.entries, b.entry_ids, b.entry_hashes, b.entries_hash, b.prev_hash, b.hash, b.key_id, b.signature],
    );
    await tx.query(
      `UPDATE audit_entries e SET block_no = $1, position = p.position
       FROM unnest($2::bigint[]) WITH ORDINALITY AS p(id, position)
       WHERE e.id = p.id`,
      [b.block_no, b.entry_ids],
    );
  }

  /** How many entries were recorded before `cutoff` (the audit log is kept: retention only reports them). */
  async countBefore(cutoff: Date): Promise<number> {
    const [r] = await this.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM audit_entries WHERE at < $1`, [
      cutoff,
    ]);
    return r.n;
  }

  /** The newest sealed block (the chain head), or null before the first seal. */
  async head(): Promise<AuditBlockRow | null> {
    const rows = await this.db.query<AuditBlockRow[]>(`SELECT * FROM audit_blocks ORDER BY block_no DESC LIMIT 1`);
    return rows[0] ?? null;
  }

  async *blocks(batch = 200): AsyncGenerator<AuditBlockRow> {
    let after = '0';
    for (;;) {
      const rows = await this.db.query<AuditBlockRow[]>(
        `SELECT * FROM audit_blocks WHERE block_no > $1 ORDER BY block_no LIMIT $2`,
        [after, batch],
      );
      for (const r of rows) yield r;
      if (rows.length < batch) return;
      after = rows[rows.length - 1].block_no;
    }
  }

  async entriesOfBlock(blockNo: string): Promise<(AuditEntry & { position: number | null })[]> {
    const rows = await this.db.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS}, position FROM audit_entries WHERE block_no = $1 ORDER BY position NULLS LAST, id`,
      [blockNo],
    );
    return rows.map((r) => ({ ...toAuditEntry(r), position: r.position ?? null }));
  }

  /** Entries pointing at a block that does not exist (moved there by hand). */
  async orphanEntries(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT e.id FROM audit_entries e LEFT JOIN audit_blocks b ON b.block_no = e.block_no
       WHERE e.block_no IS NOT NULL AND b.block_no IS NULL ORDER BY e.id LIMIT 1000`,
    );
    return rows.map((r) => String(r.id));
  }

  async unsealedCount(): Promise<{ count: number; oldest: Date | null }> {
    const [r] = await this.db.query<{ count: number; oldest: Date | null }[]>(
      `SELECT count(*)::int AS count, min(at) AS oldest FROM audit_entries WHERE block_no IS NULL`,
    );
    return r;
  }

  async recent(filter: { actor?: string; action?: string; limit: number; beforeId?: string }): Promise<AuditEntry[]> {
    const rows = await this.db.query<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM audit_entries
       WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR id < $3)
       ORDER BY id DESC LIMIT $4`,
      [filter.actor ?? null, filter.action ?? null, filter.beforeId ?? null, filter.limit],
    );
    return rows.map(toAuditEntry);
  }
}
