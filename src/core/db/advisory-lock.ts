import type pg from 'pg';
import { conflict } from '../errors.js';

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddr: string | null;
  since: Date | null;
}

export interface AdvisoryLock {
  release(): Promise<void>;
}

/** A stable 64-bit key for a lock name (the first 8 bytes of its md5), so every process agrees. */
const KEY_SQL = `('x' || substr(md5($1), 1, 16))::bit(64)::bigint`;

async function findHolder(client: pg.ClientBase, name: string): Promise<LockHolder | undefined> {
  const { rows } = await client.query(
    `select a.pid, a.application_name, a.client_addr::text as client_addr, a.backend_start
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted
        and ((l.classid::bigint << 32) | l.objid::bigint) = ${KEY_SQL}
        and a.pid <> pg_backend_pid()
      limit 1`,
    [name],
  );
  const row = rows[0];
  return row
    ? { pid: row.pid, applicationName: row.application_name, clientAddr: row.client_addr, since: row.backend_start }
    : undefined;
}

export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another session';
  const who = holder.applicationName || 'a session';
  const since = holder.since ? ` since ${holder.since.toISOString()}` : '';
  return `${who} (backend pid ${holder.pid}${holder.clientAddr ? ` from ${holder.clientAddr}` : ''})${since}`;
}

/**
 * A session-level advisory lock, polled until `timeoutMs` so a waiting process can say who holds
 * it; it is released on release() or when the connection ends (a killed process frees it).
 * Uses a dedicated client that never holds a transaction open (PGlite's socket would block others).
 */
export async function acquireAdvisoryLock(
  pool: pg.Pool,
  name: string,
  options: { timeoutMs: number; pollMs?: number; onWait?: (holder: string) => void },
): Promise<AdvisoryLock> {
  const client = await pool.connect();
  const deadline = Date.now() + options.timeoutMs;
  let announced = false;
  try {
    for (;;) {
      const { rows } = await client.query(`select pg_try_advisory_lock(${KEY_SQL}) as ok`, [name]);
      if (rows[0]?.ok) break;
      const holder = describeHolder(await findHolder(client, name));
      if (Date.now() >= deadline) {
        throw conflict(`Timed out waiting for the ${name} lock, held by ${holder}.`, {
          code: 'db.lock-timeout',
          facts: { lock: name, holder, timeoutMs: options.timeoutMs },
          remedy: 'Wait for that run to finish, or allow a longer wait for the lock.',
        });
      }
      if (!announced) {
        announced = true;
        options.onWait?.(holder);
      }
      await new Promise((r) => setTimeout(r, options.pollMs ?? 200));
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    async release() {
      try {
        await client.query(`select pg_advisory_unlock(${KEY_SQL})`, [name]);
      } finally {
        client.release();
      }
    },
  };
}
