import { ago, plural } from './support.js';
import { fail, pass, type Check } from './types.js';

/** A saga still in progress that has not moved for this long is stuck. */
export const SAGA_STUCK_AFTER_SECONDS = 1_800;

interface Row {
  saga_type: string;
  n: string;
  oldest_age: number;
  past_timeout: string;
}

export const stuckSagasCheck: Check = {
  id: 'stuck-sagas',
  title: 'No stuck sagas',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    const { rows } = await db.pool.query<Row>(`
      select saga_type, count(*)::text as n,
             extract(epoch from now() - min(updated_at))::float8 as oldest_age,
             count(*) filter (where timeout_at < now())::text as past_timeout
        from saga_store
       where status in ('pending', 'running', 'compensating')
         and (timeout_at < now() or updated_at < now() - make_interval(secs => $1))
       group by saga_type
       order by count(*) desc`, [SAGA_STUCK_AFTER_SECONDS]);
    if (rows.length === 0) return pass(`no saga in progress has been idle for more than ${ago(SAGA_STUCK_AFTER_SECONDS)} or is past its timeout`);
    const total = rows.reduce((n, r) => n + Number(r.n), 0);
    const parts = rows.map((r) => `${r.saga_type} ${r.n} (idle up to ${ago(r.oldest_age)}${Number(r.past_timeout) ? `, ${r.past_timeout} past timeout` : ''})`);
    return fail(`${plural(total, 'saga')} stuck: ${parts.join('; ')}`, 'Trace one with "medicalcor trace <correlation id>" to see the step it waits on; then resume or compensate it.');
  },
};
