import type { Queryable } from '@ajx/persistence';

/*
 * One sender per endpoint across every instance: a session-level advisory lock held on the connection the sender
 * runs all its statements on. A process that dies releases it with its connection (a restarted or standby instance
 * takes over at once), and a sender whose connection is gone can no longer write anything.
 */
const LOCK = `hashtextextended('ajx.interchange/' || $1, 0)`;

export async function tryLockEndpoint(db: Queryable, endpointId: string): Promise<boolean> {
  const [row] = await db.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_lock(${LOCK}) AS locked`, [endpointId]);
  return row.locked;
}

export async function unlockEndpoint(db: Queryable, endpointId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_unlock(${LOCK})`, [endpointId]);
}
