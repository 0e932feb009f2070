import { ago, plural } from './support.js';
import { fail, pass, warn, type Check } from './types.js';

/** A projection is stale when an event it has not processed is older than this. */
export const PROJECTION_STALE_AFTER_SECONDS = 300;

interface Row {
  projection_name: string;
  status: string;
  last_position: string;
  behind: string;
  oldest_unprocessed_age: number | null;
  error: string | null;
}

export const projectionLagCheck: Check = {
  id: 'projection-lag',
  title: 'Projections keep up with the event store',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    // "behind" counts events past the checkpoint; the age is the oldest of them (what has waited longest)
    const { rows } = await db.pool.query<Row>(`
      select p.projection_name, p.status, p.last_position::text, p.error,
             (select count(*) from domain_events e where e.global_position > p.last_position)::text as behind,
             extract(epoch from (now() - (select min(e.occurred_at) from domain_events e where e.global_position > p.last_position)))::float8 as oldest_unprocessed_age
        from projection_checkpoints p
       order by p.projection_name`);
    if (rows.length === 0) return pass('no projections registered in projection_checkpoints');
    const failed = rows.filter((r) => r.status === 'failed');
    const stale = rows.filter((r) => r.status === 'active' && (r.oldest_unprocessed_age ?? 0) > PROJECTION_STALE_AFTER_SECONDS);
    const paused = rows.filter((r) => r.status === 'paused' || r.status === 'rebuilding');
    const describe = (r: Row) => `${r.projection_name} (${r.behind} events behind, oldest waiting ${ago(r.oldest_unprocessed_age ?? 0)})`;
    if (failed.length || stale.length) {
      const parts = [
        ...failed.map((r) => `${r.projection_name} failed${r.error ? `: ${r.error.split('\n')[0]}` : ''}`),
        ...stale.map(describe),
      ];
      return fail(
        `${plural(failed.length + stale.length, 'projection')} stale (> ${ago(PROJECTION_STALE_AFTER_SECONDS)}): ${parts.join('; ')}`,
        'Check the projection worker (logs, restarts); a failed projection needs its error fixed and a rebuild.',
      );
    }
    if (paused.length) return warn(`${paused.map((r) => `${r.projection_name} is ${r.status}`).join('; ')}`, 'Resume the projection once the rebuild or maintenance is done.');
    const behind = rows.reduce((n, r) => n + Number(r.behind), 0);
    return pass(`${plural(rows.length, 'projection')} up to date${behind ? ` (${behind} recent events in flight)` : ''}`);
  },
};
