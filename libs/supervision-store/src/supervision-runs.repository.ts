import { Injectable } from '@nestjs/common';
import { returningRows } from '@ajx/persistence';
import { DataSource } from 'typeorm';

/** Why a full evaluation ran. */
export type RunReason = 'start' | 'daily' | 'register' | 'operator';

/** What a run evaluates: every enterprise, or those whose day has come (the daily run — ADR 0013). */
export type RunScope = 'all' | 'due';

export interface SupervisionRun {
  runId: number;
  reason: RunReason;
  scope: RunScope;
  asOf: string;
  requestedBy: string;
  startedAt: Date;
  finishedAt: Date | null;
  enterprises: number | null;
  opened: number | null;
  updated: number | null;
  resolved: number | null;
  error: string | null;
  registerVersion: number | null;
}

interface RunDbRow {
  run_id: string;
  reason: RunReason;
  scope: RunScope;
  as_of: string | Date;
  requested_by: string;
  started_at: Date;
  finished_at: Date | null;
  enterprises: number | null;
  opened: number | null;
  updated: number | null;
  resolved: number | null;
  error: string | null;
  register_version: number | null;
}

const runOf = (r: RunDbRow): SupervisionRun => ({
  runId: Number(r.run_id),
  reason: r.reason,
  scope: r.scope,
  asOf: typeof r.as_of === 'string' ? r.as_of : r.as_of.toISOString().slice(0, 10),
  requestedBy: r.requested_by,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  enterprises: r.enterprises,
  opened: r.opened,
  updated: r.updated,
  resolved: r.resolved,
  error: r.error,
  registerVersion: r.register_version,
});

/** `supervision_runs`: every full evaluation, when and why it ran, and what it changed. */
@Injectable()
export class SupervisionRunsRepository {
  constructor(private readonly db: DataSource) {}

  /** Records a run starting, with the register version it evaluates against. */
  async start(
    reason: RunReason,
    scope: RunScope,
    asOf: string,
    requestedBy: string,
    registerVersion: number | null,
  ): Promise<number> {
    const [r] = await returningRows<{ run_id: string }>(
      this.db,
      `INSERT INTO supervision_runs (reason, scope, as_of, requested_by, register_version) VALUES ($1, $2, $3, $4, $5)
       RETURNING run_id`,
      [reason, scope, asOf, requestedBy, registerVersion],
    );
    return Number(r.run_id);
  }

  async finish(
    runId: number,
    outcome: { enterprises: number; opened: number; updated: number; resolved: number } | { error: string },
  ): Promise<void> {
    if ('error' in outcome) {
      await this.db.query(`UPDATE supervision_runs SET finished_at = now(), error = $2 WHERE run_id = $1`, [
        runId,
        outcome.error.slice(0, 2000),
      ]);
      return;
    }
    await this.db.query(
      `UPDATE supervision_runs SET finished_at = now(), enterprises = $2, opened = $3, updated = $4, resolved = $5
        WHERE run_id = $1`,
      [runId, outcome.enterprises, outcome.opened, outcome.updated, outcome.resolved],
    );
  }

  /** The latest runs, newest first. */
  async latest(limit = 20): Promise<SupervisionRun[]> {
    const rows = await this.db.query<RunDbRow[]>(`SELECT * FROM supervision_runs ORDER BY run_id DESC LIMIT $1`, [
      limit,
    ]);
    return rows.map(runOf);
  }

  /** The last full evaluation that finished without error, if any. */
  async lastCompleted(): Promise<SupervisionRun | null> {
    const rows = await this.db.query<RunDbRow[]>(
      `SELECT * FROM supervision_runs WHERE finished_at IS NOT NULL AND error IS NULL ORDER BY run_id DESC LIMIT 1`,
    );
    return rows[0] ? runOf(rows[0]) : null;
  }
}
