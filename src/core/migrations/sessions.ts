import { Client } from '../db/pg.js';

/** What became of the server sessions of an interrupted dbmate. */
export interface SessionsEnded {
  /** sessions found when the runner stopped */
  found: number;
  /** how many had to be terminated because a cancel did not end them within the grace period */
  terminated: number;
  /** true when no session with the application_name and no lock of theirs remains */
  gone: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A URL for our own control connection: dbmate's application_name removed, so we never match ourselves. */
function controlUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.delete('application_name');
  return u.toString();
}

/**
 * Ends the server sessions named `applicationName`: pg_cancel_backend first (the statement stops,
 * PostgreSQL rolls the transaction back), pg_terminate_backend after `graceMs`, then waits until
 * neither the sessions nor any lock they held remain (bounded by `maxWaitMs`).
 */
export async function endSessions(
  url: string,
  applicationName: string,
  options: { graceMs?: number; maxWaitMs?: number } = {},
): Promise<SessionsEnded> {
  const graceMs = options.graceMs ?? 3_000;
  const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
  const client = new Client({
    connectionString: controlUrl(url),
    application_name: 'medicalcor-stop',
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const pidsOf = async () =>
      (
        await client.query(`select pid from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()`, [
          applicationName,
        ])
      ).rows.map((r) => r.pid as number);
    const pids = await pidsOf();
    if (pids.length === 0) return { found: 0, terminated: 0, gone: true };
    await client.query(`select pg_cancel_backend(pid) from unnest($1::int[]) as pid`, [pids]);
    const graceEnds = Date.now() + graceMs;
    let terminated = 0;
    for (;;) {
      const { rows } = await client.query(
        `select count(*)::int as sessions, (select count(*)::int from pg_locks where pid = any($1::int[])) as locks
           from pg_stat_activity where pid = any($1::int[]) and application_name = $2`,
        [pids, applicationName],
      );
      if (rows[0].sessions === 0 && rows[0].locks === 0) return { found: pids.length, terminated, gone: true };
      if (Date.now() >= deadline) return { found: pids.length, terminated, gone: false };
      if (Date.now() >= graceEnds && terminated === 0) {
        const ended = await client.query(`select pg_terminate_backend(pid) as ok from unnest($1::int[]) as pid`, [
          pids,
        ]);
        terminated = ended.rows.filter((r) => r.ok).length || pids.length;
      }
      await sleep(50);
    }
  } finally {
    await client.end().catch(() => {});
  }
}
