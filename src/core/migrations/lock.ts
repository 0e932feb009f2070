import type pg from 'pg';
import { describeHolder, type LockHolder } from '../db/index.js';
import { conflict, interrupted } from '../errors.js';

export const MIGRATE_LOCK = 'medicalcor:migrate';

/** A stable 64-bit key for a lock name (the first 8 bytes of its md5), as core/db's advisory lock computes it. */
export const LOCK_KEY_SQL = `('x' || substr(md5($1), 1, 16))::bit(64)::bigint`;

/** The session holding this database's migration lock, other than ours (advisory locks are per database). */
export const LOCK_HOLDER_SQL = `select a.pid, a.application_name, a.client_addr::text as client_addr, a.backend_start
   from pg_locks l join pg_stat_activity a on a.pid = l.pid
  where l.locktype = 'advisory' and l.granted and ((l.classid::bigint << 32) | l.objid::bigint) = ${LOCK_KEY_SQL}
    and l.database = (select oid from pg_database where datname = current_database())
    and a.pid <> pg_backend_pid()
  limit 1`;

async function findHolder(client: pg.ClientBase): Promise<LockHolder | undefined> {
  const row = (await client.query(LOCK_HOLDER_SQL, [MIGRATE_LOCK])).rows[0];
  return row
    ? { pid: row.pid, applicationName: row.application_name, clientAddr: row.client_addr, since: row.backend_start }
    : undefined;
}

export interface MigrateLock {
  /** the session holding the lock: reads made on it see any other holder as someone else */
  client: pg.PoolClient;
  release(): Promise<void>;
}

/**
 * The migration lock: a session-level advisory lock on a dedicated connection, polled until
 * `timeoutMs` so a waiting runner can say who holds it, and given up at once on abort. The server
 * frees it when the connection ends, so a killed runner never leaves it behind.
 */
export async function acquireMigrateLock(
  pool: pg.Pool,
  options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number; onWait?: (holder: string) => void },
): Promise<MigrateLock> {
  const client = await pool.connect();
  const deadline = Date.now() + options.timeoutMs;
  let announced = false;
  try {
    for (;;) {
      if (options.signal?.aborted)
        throw interrupted('Interrupted while waiting for the migration lock; nothing was applied.', {
          code: 'migrate.interrupted-waiting',
        });
      const { rows } = await client.query(`select pg_try_advisory_lock(${LOCK_KEY_SQL}) as ok`, [MIGRATE_LOCK]);
      if (rows[0]?.ok) break;
      const holder = describeHolder(await findHolder(client));
      if (Date.now() >= deadline) {
        throw conflict(`Timed out waiting for the ${MIGRATE_LOCK} lock, held by ${holder}.`, {
          code: 'migrate.lock-timeout',
          facts: { holder, timeoutMs: options.timeoutMs },
          remedy: 'Wait for that run to finish, or wait longer for the lock.',
        });
      }
      if (!announced) {
        announced = true;
        options.onWait?.(holder);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, options.pollMs ?? 200);
        options.signal?.addEventListener('abort', done, { once: true });
        function done() {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', done);
          resolve();
        }
      });
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    client,
    async release() {
      try {
        await client.query(`select pg_advisory_unlock(${LOCK_KEY_SQL})`, [MIGRATE_LOCK]);
        client.release();
      } catch {
        // a connection whose unlock failed must not go back to the pool still holding the lock
        client.release(true);
      }
    },
  };
}
