import { deadLetterBacklog, DLQ_BACKLOG_LIMIT, DLQ_MAX_AGE_SECONDS } from '../core/dlq/index.js';
import { ago, plural } from './support.js';
import { fail, pass, warn, type Check } from './types.js';

export { DLQ_BACKLOG_LIMIT, DLQ_MAX_AGE_SECONDS };

export const dlqBacklogCheck: Check = {
  id: 'dlq-backlog',
  title: 'Webhook dead-letter queue drained',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    const b = await deadLetterBacklog(db.pool);
    const detail = b.byType.length ? ` (${b.byType.map((t) => `${t.webhookType} ${t.count}`).join(', ')})` : '';
    const remedy =
      'Find the cause in "medicalcor trace" of an entry\'s correlation id, fix it, then replay the entries ' +
      '("medicalcor dlq replay --type TYPE --execute").';
    if (b.givenUp > 0 || b.waiting >= DLQ_BACKLOG_LIMIT || b.oldestWaitingSeconds > DLQ_MAX_AGE_SECONDS) {
      const parts = [
        b.waiting ? `${plural(b.waiting, 'entry', 'entries')} waiting, oldest ${ago(b.oldestWaitingSeconds)}` : '',
        b.givenUp ? `${plural(b.givenUp, 'entry', 'entries')} out of retries` : '',
      ].filter(Boolean);
      return fail(`${parts.join('; ')}${detail}`, remedy);
    }
    if (b.waiting > 0) {
      return warn(
        `${plural(b.waiting, 'entry', 'entries')} being retried, oldest ${ago(b.oldestWaitingSeconds)}${detail}`,
        'Retries are in flight; look again if they do not drain within the hour.',
      );
    }
    return pass('no webhook waits in the dead-letter queue');
  },
};
