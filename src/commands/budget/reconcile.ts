import type { Command } from 'commander';
import { reconcileBudget } from '../../core/budget/index.js';
import { exitCodeFor } from '../errors.js';
import { renderReconcile } from '../render/budget.js';
import type { CommandContext } from '../context.js';
import { FORMATS } from './shared.js';

export interface ReconcileOptions {
  repair?: boolean;
  yes?: boolean;
}

export async function runReconcile(ctx: CommandContext, options: ReconcileOptions): Promise<void> {
  ctx.label = 'medicalcor budget reconcile';
  const format = ctx.format(FORMATS);
  if (options.repair) await ctx.confirmProduction(options.yes, 'repair the budget counters in Redis');
  const [db, redis] = await Promise.all([ctx.systems.database(), ctx.systems.redis()]);
  const report = await reconcileBudget(
    { pool: db.pool, redis, keyPrefix: ctx.config().redisKeyPrefix },
    { repair: options.repair },
  );
  if (report.repaired) {
    await ctx.recordAction({
      kind: 'budget.reconcile',
      summary: `budget counters repaired: ${report.repaired} change(s)`,
      outcome: 'succeeded',
    });
  }
  renderReconcile(ctx, format, report);
  // still wrong after repairing (or not repaired): exit 3
  ctx.exitCode = exitCodeFor({ problem: report.drift });
}

export function registerReconcile(budget: Command, context: () => CommandContext): void {
  budget
    .command('reconcile')
    .description(
      'compare every Redis spend counter with the llm_usage_logs ledger, safely while calls are recorded ' +
        '(exit 3 while one differs)',
    )
    .option(
      '--repair',
      'move each counter by its measured difference (replace one that is not a number) ' +
        'and rewrite the budget copy in Redis',
    )
    .option('-y, --yes', 'confirm --repair on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget reconcile
  medicalcor budget reconcile --repair -o json`,
    )
    .action((options: ReconcileOptions) => runReconcile(context(), options));
}
