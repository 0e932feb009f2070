import type { Command } from 'commander';
import { loadLimits, setLimit } from '../../core/budget/index.js';
import { defaultActor } from '../../core/config/index.js';
import { usageError } from '../../cli-kit/index.js';
import { renderBudgetLimits } from '../render/budget.js';
import type { CommandContext } from '../context.js';
import { checkTenant, FORMATS, parseUsd, usd } from './shared.js';

export interface SetOptions {
  daily?: string;
  monthly?: string;
  tenant?: string;
  soft?: boolean;
  yes?: boolean;
}

export async function runSet(ctx: CommandContext, options: SetOptions): Promise<void> {
  ctx.label = 'medicalcor budget set';
  const tenant = checkTenant(options.tenant);
  const daily = parseUsd('--daily', options.daily);
  const monthly = parseUsd('--monthly', options.monthly);
  if (daily === undefined && monthly === undefined)
    throw usageError(
      'Say which budget to set: --daily USD and/or --monthly USD.',
      'For example: medicalcor budget set --daily 50 --monthly 1000',
    );
  const format = ctx.format(FORMATS);
  const actor = defaultActor(ctx.streams.env);
  const what = [
    daily !== undefined ? `daily ${usd(daily)}` : '',
    monthly !== undefined ? `monthly ${usd(monthly)}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  const scope = tenant ? `tenant ${tenant}` : 'global';
  await ctx.confirmProduction(options.yes, `set the ${scope} budget to ${what}`);
  const [db, redis] = await Promise.all([ctx.systems.database(), ctx.systems.redis()]);
  const deps = { pool: db.pool, redis, keyPrefix: ctx.config().redisKeyPrefix };
  if (daily !== undefined)
    await setLimit(deps, { tenant, period: 'daily', limitUsd: daily, hardStop: !options.soft, actor });
  if (monthly !== undefined)
    await setLimit(deps, { tenant, period: 'monthly', limitUsd: monthly, hardStop: !options.soft, actor });
  await ctx.recordAction({
    kind: 'budget.set',
    summary: `${scope} budget set to ${what}${options.soft ? ' (soft)' : ''} by ${actor}`,
    outcome: 'succeeded',
  });
  const limits = (await loadLimits(db.pool, tenant)).filter((l) => l.tenant === (tenant ?? null));
  renderBudgetLimits(ctx, format, limits, { actor });
}

export function registerSet(budget: Command, context: () => CommandContext): void {
  budget
    .command('set')
    .description('set the daily and/or monthly budget (whole cents, at least $0.01), overall or for one tenant')
    .option('--daily <usd>', 'budget per UTC day')
    .option('--monthly <usd>', 'budget per UTC month')
    .option('--tenant <id>', "a tenant's budget instead of the global one")
    .option('--soft', 'alert at the thresholds but never refuse calls')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget set --daily 50 --monthly 1000
  medicalcor budget set --tenant clinic-42 --daily 5 --soft`,
    )
    .action((options: SetOptions) => runSet(context(), options));
}
