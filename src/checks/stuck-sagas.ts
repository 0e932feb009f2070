import { SAGA_STUCK_AFTER_SECONDS, stuckSagasByType } from '../core/sagas/index.js';
import { ago, plural } from './support.js';
import { fail, pass, type Check } from './types.js';

export { SAGA_STUCK_AFTER_SECONDS };

export const stuckSagasCheck: Check = {
  id: 'stuck-sagas',
  title: 'No stuck sagas',
  required: true,
  async run(ctx) {
    const db = await ctx.database();
    const groups = await stuckSagasByType(db.pool);
    if (groups.length === 0)
      return pass(
        `no saga in progress has been idle for more than ${ago(SAGA_STUCK_AFTER_SECONDS)} or is past its timeout`,
      );
    const total = groups.reduce((n, g) => n + g.count, 0);
    const parts = groups.map(
      (g) =>
        `${g.sagaType} ${g.count} (idle up to ${ago(g.oldestIdleSeconds)}` +
        `${g.pastTimeout ? `, ${g.pastTimeout} past timeout` : ''})`,
    );
    return fail(
      `${plural(total, 'saga')} stuck: ${parts.join('; ')}`,
      'List them with "medicalcor sagas list --stuck"; trace one with "medicalcor trace <correlation id>" to see the ' +
        'step it waits on; then resume or compensate it.',
    );
  },
};
