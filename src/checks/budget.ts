import { getBudgetStatus } from '../core/budget/index.js';
import { fail, pass, warn, type Check } from './types.js';

export const budgetCheck: Check = {
  id: 'budget',
  title: 'AI spend within budget',
  required: false,
  async run(ctx) {
    const [db, redis] = await Promise.all([ctx.database(), ctx.redis()]);
    const status = await getBudgetStatus({ pool: db.pool, redis, keyPrefix: ctx.config.redisKeyPrefix, now: ctx.now });
    const over = status.budgets.filter((b) => b.level === 'exceeded');
    const describe = (b: (typeof status.budgets)[number]) =>
      `${b.scope === 'tenant' ? `tenant ${b.tenant}` : 'overall'} ${b.period}`;
    if (status.exceeded) {
      return fail(
        `budget exceeded${over.length ? `: ${over.map(describe).join(', ')}` : ''}` +
          (status.frozen ? '; AI calls are frozen' : ''),
        'See "medicalcor budget status"; raise the limit or wait for the period to end; "medicalcor budget freeze" ' +
          'stops spend now.',
      );
    }
    if (status.frozen)
      return warn(
        'AI spend is frozen (kill switch on)',
        'Lead scoring uses the fallback while frozen; "medicalcor budget unfreeze" when the cause is fixed.',
      );
    const critical = status.budgets.filter((b) => b.level === 'critical');
    if (critical.length)
      return warn(
        `over 90 % of budget: ${critical.map(describe).join(', ')}`,
        'See "medicalcor budget status" for what is spending.',
      );
    return pass(status.budgets.length ? `${status.budgets.length} budgets, none exceeded` : 'no budget limits set');
  },
};
