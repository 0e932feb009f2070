import { ago, plural } from './support.js';
import { fail, pass, warn, type Check } from './types.js';

/** More waiting entries than this, or one waiting longer than the age, is a backlog rather than retries in flight. */
export const DLQ_BACKLOG_LIMIT = 100;
export const DLQ_MAX_AGE_SECONDS = 3_600;

interface Row {
  waiting: string;
  given_up: string;
  oldest_age: number | null;
  by_type: string | null;
}

export const dlqBacklogCheck: Check = {
  id: 'dlq-backlog',
  title: 'Webhook dead-letter queue drained',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    const { rows } = await db.pool.query<Row>(`
      select count(*) filter (where status in ('pending', 'retrying'))::text as waiting,
             count(*) filter (where status = 'failed')::text as given_up,
             extract(epoch from now() - min(created_at) filter (where status in ('pending', 'retrying')))::float8 as oldest_age,
             (select string_agg(webhook_type || ' ' || n, ', ' order by n desc)
                from (select webhook_type, count(*) as n from webhook_dead_letters where status in ('pending', 'retrying', 'failed') group by webhook_type) t) as by_type
        from webhook_dead_letters`);
    const r = rows[0]!;
    const waiting = Number(r.waiting);
    const givenUp = Number(r.given_up);
    const oldest = r.oldest_age ?? 0;
    const detail = r.by_type ? ` (${r.by_type})` : '';
    const remedy = 'Find the cause in "medicalcor trace" of an entry\'s correlation id, fix it, then replay the entries ("medicalcor runbook list" shows the runbooks for it).';
    if (givenUp > 0 || waiting >= DLQ_BACKLOG_LIMIT || oldest > DLQ_MAX_AGE_SECONDS) {
      const parts = [
        waiting ? `${plural(waiting, 'entry', 'entries')} waiting, oldest ${ago(oldest)}` : '',
        givenUp ? `${plural(givenUp, 'entry', 'entries')} out of retries` : '',
      ].filter(Boolean);
      return fail(`${parts.join('; ')}${detail}`, remedy);
    }
    if (waiting > 0) return warn(`${plural(waiting, 'entry', 'entries')} being retried, oldest ${ago(oldest)}${detail}`, 'Retries are in flight; look again if they do not drain within the hour.');
    return pass('no webhook waits in the dead-letter queue');
  },
};
