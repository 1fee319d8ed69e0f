import { Injectable } from '@nestjs/common';
import {
  type BatchEntry,
  type CellMismatch,
  type DailyManifest,
  eventDigest,
  formatBeijingDateTime,
  InterchangeError,
  kindOfEventType,
  type ManifestItem,
  type ManifestVerdict,
} from '@ajx/interchange-protocol';
import type { RecordKind } from '@ajx/contracts';
import type { EntityManager } from 'typeorm';
import { ProvinceSimulatorConfig } from '../province-simulator.config';
import { ProvinceSimDatabase } from './province-sim.database';

export type LoggedMode = 'realtime' | 'scheduled' | 'resend' | 'pull';

export interface BatchToRecord {
  batchId: string;
  sender: string;
  mode: LoggedMode;
  resendOf?: { date: string; attempt: number };
  contentDigest: string;
  keyId: string | null;
  /** Sender's creation time of the batch (Beijing time). */
  sentAt: string;
  entries: BatchEntry[];
  /** Replay protection of the request that carried it, checked only when the batch is new. */
  signature?: { key: string; expiresAtMs: number };
  /** For pulled pages: the cursor to keep, in the same transaction. */
  pullCursor?: { source: string; cursor: string };
}

export interface RecordOutcome {
  status: 'accepted' | 'already-accepted';
  accepted: number;
  duplicateEntries: number;
  watermark: number;
}

export interface LogRow {
  id: number;
  batchId: string;
  seq: number;
  eventId: string;
  subject: string;
  insurer: string;
  kind: RecordKind;
  type: string;
  version: number;
  uscc: string;
  region: string;
  correction: boolean;
  acceptedDate: string;
  duplicate: boolean;
  receivedAt: string;
  event?: unknown;
}

export interface LogStats {
  batches: number;
  redeliveries: number;
  entries: number;
  distinctEvents: number;
  duplicateEntries: number;
  corrections: number;
  orderViolations: number;
  orderViolationSamples: { uscc: string; eventId: string; seq: number; afterSeq: number }[];
  watermark: number;
}

export interface ReportRow {
  id: number;
  date: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  hubStatus: number | null;
  cells: CellMismatch[];
}

const WATERMARK_MODES: ReadonlySet<LoggedMode> = new Set(['realtime', 'scheduled', 'pull']);

/** All SQL of the simulator. Intake is serialised (one transaction at a time) so duplicate flags are exact. */
@Injectable()
export class DeliveryLogRepository {
  private readonly lockKey: string;

  constructor(
    private readonly db: ProvinceSimDatabase,
    config: ProvinceSimulatorConfig,
  ) {
    this.lockKey = `ajx-province-sim:${config.AJX_PROVINCE_SIM_SCHEMA}`;
  }

  private get ds() {
    return this.db.dataSource;
  }

  /** Records a batch whole, or answers for the one already recorded under its id. */
  async recordBatch(b: BatchToRecord): Promise<RecordOutcome> {
    return this.ds.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey]);
      const [existing] = await tx.query<{ content_digest: string; entry_count: number; duplicate_entries: number }[]>(
        'SELECT content_digest, entry_count, duplicate_entries FROM batches WHERE batch_id = $1',
        [b.batchId],
      );
      if (existing) {
        if (existing.content_digest !== b.contentDigest) {
          throw new InterchangeError(
            'BATCH_CONFLICT',
            `batch ${b.batchId} was already accepted with different content; a batch id is never reused for other entries`,
          );
        }
        await tx.query('UPDATE batches SET redeliveries = redeliveries + 1 WHERE batch_id = $1', [b.batchId]);
        return {
          status: 'already-accepted',
          accepted: existing.entry_count,
          duplicateEntries: existing.duplicate_entries,
          watermark: await this.watermarkOf(tx, b.sender),
        };
      }
      if (b.signature && !(await this.rememberSignature(b.signature.key, b.signature.expiresAtMs, tx))) {
        throw new InterchangeError('REPLAYED', 'this signed request was already received; sign every attempt anew');
      }

      const digests = b.entries.map((e) => eventDigest(e.event));
      const known = new Set(
        (
          await tx.query<{ k: string }[]>(
            `SELECT DISTINCT event_id::text || '/' || event_digest AS k FROM delivery_log
              WHERE event_id = ANY($1::uuid[])`,
            [[...new Set(b.entries.map((e) => e.event.id))]],
          )
        ).map((r) => r.k),
      );
      const duplicate = b.entries.map((e, i) => {
        const k = `${e.event.id}/${digests[i]}`;
        const seen = known.has(k);
        known.add(k);
        return seen;
      });
      const duplicateEntries = duplicate.filter(Boolean).length;
      const seqs = b.entries.map((e) => e.seq);

      await tx.query(
        `INSERT INTO batches (batch_id, sender, mode, resend_of, resend_attempt, content_digest, key_id, entry_count,
                              duplicate_entries, first_seq, last_seq, sent_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          b.batchId,
          b.sender,
          b.mode,
          b.resendOf?.date ?? null,
          b.resendOf?.attempt ?? null,
          b.contentDigest,
          b.keyId,
          b.entries.length,
          duplicateEntries,
          Math.min(...seqs),
          Math.max(...seqs),
          b.sentAt,
        ],
      );
      await tx.query(
        `INSERT INTO delivery_log (batch_id, position, seq, event_id, event_digest, subject, insurer, kind, type, version,
                                   uscc, region, correction, accepted_date, duplicate, event)
         SELECT $1::text, * FROM unnest($2::int[], $3::bigint[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                                  $9::text[], $10::int[], $11::text[], $12::text[], $13::boolean[], $14::date[],
                                  $15::boolean[], $16::jsonb[])`,
        [
          b.batchId,
          b.entries.map((_, i) => i),
          seqs,
          b.entries.map((e) => e.event.id),
          digests,
          b.entries.map((e) => e.event.subject),
          b.entries.map((e) => e.event.insurer),
          b.entries.map((e) => kindOfEventType(e.event.type)),
          b.entries.map((e) => e.event.type),
          b.entries.map((e) => e.event.sourceversion),
          b.entries.map((e) => e.event.uscc),
          b.entries.map((e) => e.event.region),
          b.entries.map((e) => e.correction),
          b.entries.map((e) => e.acceptedDate),
          duplicate,
          b.entries.map((e) => JSON.stringify(e.event)),
        ],
      );
      if (WATERMARK_MODES.has(b.mode)) {
        await tx.query(
          `INSERT INTO receiver_state (sender, watermark) VALUES ($1, $2)
           ON CONFLICT (sender) DO UPDATE SET watermark = GREATEST(receiver_state.watermark, EXCLUDED.watermark)`,
          [b.sender, Math.max(...seqs)],
        );
      }
      if (b.pullCursor) {
        await tx.query(
          `INSERT INTO pull_state (source, cursor) VALUES ($1, $2)
           ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = clock_timestamp()`,
          [b.pullCursor.source, b.pullCursor.cursor],
        );
      }
      return {
        status: 'accepted',
        accepted: b.entries.length,
        duplicateEntries,
        watermark: await this.watermarkOf(tx, b.sender),
      };
    });
  }

  private async watermarkOf(tx: EntityManager, sender: string): Promise<number> {
    const [row] = await tx.query<{ watermark: string }[]>('SELECT watermark FROM receiver_state WHERE sender = $1', [
      sender,
    ]);
    return row ? Number(row.watermark) : 0;
  }

  /** False when the key is already remembered and not expired (a replay). */
  async rememberSignature(key: string, expiresAtMs: number, tx: EntityManager = this.ds.manager): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `INSERT INTO seen_signatures (key, expires_at) VALUES ($1, to_timestamp($2 / 1000.0))
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE seen_signatures.expires_at <= now()
       RETURNING key`,
      [key, expiresAtMs],
    );
    return rows.length === 1;
  }

  async pruneSignatures(): Promise<number> {
    const rows = await this.ds.query<unknown[]>('DELETE FROM seen_signatures WHERE expires_at <= now() RETURNING key');
    return rows.length;
  }

  async log(afterId: number, limit: number, withEvents: boolean): Promise<LogRow[]> {
    const rows = await this.ds.query<Record<string, unknown>[]>(
      `SELECT id, batch_id, seq, event_id, subject, insurer, kind, type, version, uscc, region, correction,
              accepted_date::text AS accepted_date, duplicate, received_at${withEvents ? ', event' : ''}
         FROM delivery_log WHERE id > $1 ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      batchId: r.batch_id as string,
      seq: Number(r.seq),
      eventId: r.event_id as string,
      subject: r.subject as string,
      insurer: r.insurer as string,
      kind: r.kind as RecordKind,
      type: r.type as string,
      version: r.version as number,
      uscc: r.uscc as string,
      region: r.region as string,
      correction: r.correction as boolean,
      acceptedDate: r.accepted_date as string,
      duplicate: r.duplicate as boolean,
      receivedAt: formatBeijingDateTime(r.received_at as Date),
      ...(withEvents ? { event: r.event } : {}),
    }));
  }

  async stats(): Promise<LogStats> {
    const [counts] = await this.ds.query<Record<string, string>[]>(
      `SELECT (SELECT count(*) FROM batches) AS batches,
              (SELECT coalesce(sum(redeliveries), 0) FROM batches) AS redeliveries,
              count(*) AS entries,
              count(DISTINCT event_id) AS distinct_events,
              count(*) FILTER (WHERE duplicate) AS duplicate_entries,
              count(*) FILTER (WHERE correction) AS corrections,
              (SELECT coalesce(max(watermark), 0) FROM receiver_state) AS watermark
         FROM delivery_log`,
    );
    // Per enterprise, the first arrival of each event must come in hub sequence order; a re-delivered copy
    // of an event is a duplicate, not a reordering.
    const violations = await this.ds.query<{ uscc: string; event_id: string; seq: string; after_seq: string }[]>(
      `SELECT uscc, event_id, seq, after_seq FROM (
         SELECT id, uscc, event_id, seq,
                max(seq) OVER (PARTITION BY uscc ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS after_seq
           FROM delivery_log WHERE NOT duplicate) x
        WHERE seq < after_seq ORDER BY id`,
    );
    return {
      batches: Number(counts.batches),
      redeliveries: Number(counts.redeliveries),
      entries: Number(counts.entries),
      distinctEvents: Number(counts.distinct_events),
      duplicateEntries: Number(counts.duplicate_entries),
      corrections: Number(counts.corrections),
      orderViolations: violations.length,
      orderViolationSamples: violations.slice(0, 20).map((v) => ({
        uscc: v.uscc,
        eventId: v.event_id,
        seq: Number(v.seq),
        afterSeq: Number(v.after_seq),
      })),
      watermark: Number(counts.watermark),
    };
  }

  /** Everything received for one Beijing date of acceptance (every copy; the manifest counts ids once). */
  async manifestItems(date: string): Promise<ManifestItem[]> {
    const rows = await this.ds.query<{ insurer: string; kind: RecordKind; event_id: string }[]>(
      'SELECT DISTINCT insurer, kind, event_id::text AS event_id FROM delivery_log WHERE accepted_date = $1',
      [date],
    );
    return rows.map((r) => ({ insurer: r.insurer, kind: r.kind, eventId: r.event_id, acceptedDate: date }));
  }

  async saveManifestCheck(manifest: DailyManifest, verdict: ManifestVerdict): Promise<void> {
    await this.ds.query(
      'INSERT INTO manifest_checks (date, sender, status, manifest, cells) VALUES ($1, $2, $3, $4, $5)',
      [manifest.date, manifest.sender, verdict.status, JSON.stringify(manifest), JSON.stringify(verdict.cells)],
    );
  }

  /** The most recent check of a date. */
  async latestManifestCheck(date: string): Promise<{ status: 'match' | 'mismatch'; cells: CellMismatch[] } | null> {
    const [row] = await this.ds.query<{ status: 'match' | 'mismatch'; cells: CellMismatch[] }[]>(
      'SELECT status, cells FROM manifest_checks WHERE date = $1 ORDER BY id DESC LIMIT 1',
      [date],
    );
    return row ?? null;
  }

  async createReport(date: string, cells: CellMismatch[]): Promise<number> {
    const [row] = await this.ds.query<{ id: string }[]>(
      `INSERT INTO reconciliation_reports (date, cells, status) VALUES ($1, $2, 'pending') RETURNING id`,
      [date, JSON.stringify(cells)],
    );
    return Number(row.id);
  }

  async updateReport(
    id: number,
    u: { status: ReportRow['status']; attempts: number; lastError: string | null; hubStatus: number | null },
  ): Promise<void> {
    await this.ds.query(
      `UPDATE reconciliation_reports SET status = $2, attempts = $3, last_error = $4, hub_status = $5,
              updated_at = clock_timestamp() WHERE id = $1`,
      [id, u.status, u.attempts, u.lastError, u.hubStatus],
    );
  }

  async reports(): Promise<ReportRow[]> {
    const rows = await this.ds.query<Record<string, unknown>[]>(
      `SELECT id, date::text AS date, status, attempts, last_error, hub_status, cells
         FROM reconciliation_reports ORDER BY id`,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      date: r.date as string,
      status: r.status as ReportRow['status'],
      attempts: r.attempts as number,
      lastError: (r.last_error as string | null) ?? null,
      hubStatus: (r.hub_status as number | null) ?? null,
      cells: r.cells as CellMismatch[],
    }));
  }

  async pullCursor(source: string): Promise<string | null> {
    const [row] = await this.ds.query<{ cursor: string }[]>('SELECT cursor FROM pull_state WHERE source = $1', [
      source,
    ]);
    return row?.cursor ?? null;
  }

  /** Empties the delivery log and everything derived from it (the test/demo reset). */
  async reset(): Promise<void> {
    await this.ds.query(
      `TRUNCATE delivery_log, batches, receiver_state, seen_signatures, manifest_checks, reconciliation_reports,
                pull_state RESTART IDENTITY`,
    );
  }
}
