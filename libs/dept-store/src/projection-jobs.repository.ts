import { returningRows } from '@ajx/persistence';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface ProjectionJob {
  id: string;
  departmentId: string | null;
  reason: string;
  cursor: string | null;
}

/** Work queue of re-projections (a new department's history; everything after a rule change), in PostgreSQL. */
@Injectable()
export class ProjectionJobsRepository {
  constructor(private readonly db: DataSource) {}

  /** Enqueues a department's first projection unless it ever had one. */
  async enqueueForNewDepartments(departmentIds: readonly string[]): Promise<number> {
    if (!departmentIds.length) return 0;
    const rows = await this.db.query<unknown[]>(
      `INSERT INTO projection_jobs (department_id, reason)
       SELECT d, 'new department' FROM unnest($1::text[]) AS d
       WHERE NOT EXISTS (SELECT 1 FROM projection_jobs j WHERE j.department_id = d)
       RETURNING id`,
      [departmentIds],
    );
    return rows.length;
  }

  /** The newest job's id ('0' for none): a directory read after it knows every department queued up to it. */
  async lastJobId(): Promise<string> {
    const [r] = await this.db.query<{ id: string }[]>(`SELECT coalesce(max(id), 0)::text AS id FROM projection_jobs`);
    return r.id;
  }

  /** Keeps a running job's lease (work before its first cursor). */
  async extendLease(id: string, leaseMs: number): Promise<void> {
    await this.db.query(
      `UPDATE projection_jobs SET lease_until = now() + $2 * interval '1 millisecond' WHERE id = $1`,
      [id, leaseMs],
    );
  }

  /** The jobs queued and not done (committed, so visible: what a check started now comes after). */
  async openJobIds(): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT id::text AS id FROM projection_jobs WHERE status IN ('pending', 'running')`,
    );
    return rows.map((r) => r.id);
  }

  async enqueueFullRescope(reason: string): Promise<void> {
    await this.db.query(`INSERT INTO projection_jobs (department_id, reason) VALUES (NULL, $1)`, [reason]);
  }

  async lease(leaseMs: number): Promise<ProjectionJob | null> {
    const rows = await returningRows<{
      id: string;
      department_id: string | null;
      reason: string;
      cursor: string | null;
    }>(
      this.db,
      `UPDATE projection_jobs SET status = 'running', lease_until = now() + $1 * interval '1 millisecond'
       WHERE id = (SELECT id FROM projection_jobs
                   WHERE status = 'pending' OR (status = 'running' AND lease_until < now())
                   ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id, department_id, reason, cursor`,
      [leaseMs],
    );
    const r = rows[0];
    return r ? { id: String(r.id), departmentId: r.department_id, reason: r.reason, cursor: r.cursor } : null;
  }

  async progress(id: string, cursor: string, leaseMs: number): Promise<void> {
    await this.db.query(
      `UPDATE projection_jobs SET cursor = $2, lease_until = now() + $3 * interval '1 millisecond' WHERE id = $1`,
      [id, cursor, leaseMs],
    );
  }

  /**
   * A run that failed (a deadlock with live routing, a lost connection, PostgreSQL restarting) is taken up again
   * after `delayMs` from its last cursor, never given up: a department without its history would be silently
   * incomplete. Re-running a page is safe (the plan is made again from what the department holds).
   */
  async retryLater(id: string, error: string, delayMs: number): Promise<void> {
    await this.db.query(
      `UPDATE projection_jobs SET status = 'running', error = $2, lease_until = now() + $3 * interval '1 millisecond'
       WHERE id = $1`,
      [id, error, delayMs],
    );
  }

  async finish(id: string): Promise<void> {
    await this.db.query(
      `UPDATE projection_jobs SET status = 'done', finished_at = now(), error = NULL, lease_until = NULL WHERE id = $1`,
      [id],
    );
  }

  async pendingCount(): Promise<number> {
    const [r] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM projection_jobs WHERE status IN ('pending', 'running')`,
    );
    return r.n;
  }

  /** The rule pack the views were last projected with, and record a new one as active. */
  async activeRulePack(): Promise<string | null> {
    const rows = await this.db.query<{ pack_id: string; version: number }[]>(
      `SELECT pack_id, version FROM rule_packs WHERE activated_at IS NOT NULL ORDER BY activated_at DESC LIMIT 1`,
    );
    return rows[0] ? `${rows[0].pack_id}@${rows[0].version}` : null;
  }

  async activateRulePack(packId: string, version: number, content: unknown, by: string): Promise<void> {
    await this.db.query(
      `INSERT INTO rule_packs (pack_id, version, content, activated_at, created_by) VALUES ($1, $2, $3, now(), $4)
       ON CONFLICT (pack_id, version) DO UPDATE SET activated_at = now()`,
      [packId, version, JSON.stringify(content), by],
    );
  }
}
