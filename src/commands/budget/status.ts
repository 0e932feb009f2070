import type { Command } from 'commander';
import { getBudgetStatus } from '../../core/budget/index.js';
import { exitCodeFor } from '../errors.js';
import { renderBudgetStatus } from '../render/budget.js';
import type { CommandContext } from '../context.js';
import { checkTenant, FORMATS, optionalRedis } from './shared.js';

export interface StatusOptions {
  tenant?: string;
}

export async function runStatus(ctx: CommandContext, options: StatusOptions): Promise<void> {
  ctx.label = 'medicalcor budget status';
  const tenant = checkTenant(options.tenant);
  const format = ctx.format(FORMATS);
  const [db, redis] = await Promise.all([ctx.systems.readDatabase(), optionalRedis(ctx)]);
  const status = await getBudgetStatus({ pool: db.pool, redis, keyPrefix: ctx.config().redisKeyPrefix, tenant });
  renderBudgetStatus(ctx, format, status);
  ctx.exitCode = exitCodeFor({ problem: status.exceeded, partial: status.unavailable.length > 0 });
}

export function registerStatus(budget: Command, context: () => CommandContext): void {
  budget
    .command('status')
    .description(
      'spend today and this month against each budget, projections, top models/operations/tenants ' +
        '(exit 3 if a budget is exceeded)',
    )
    .option('--tenant <id>', 'one tenant (its budgets and the global ones)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget status
  medicalcor budget status --tenant clinic-42 -o json`,
    )
    .action((options: StatusOptions) => runStatus(context(), options));
}
