import type { Command } from 'commander';
import { unfreezeBudget } from '../../core/budget/index.js';
import { defaultActor } from '../../core/config/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { checkTenant, FORMATS } from './shared.js';

export interface UnfreezeOptions {
  tenant?: string;
  yes?: boolean;
}

export async function runUnfreeze(ctx: CommandContext, options: UnfreezeOptions): Promise<void> {
  ctx.label = 'medicalcor budget unfreeze';
  const tenant = checkTenant(options.tenant);
  const format = ctx.format(FORMATS);
  await ctx.confirmProduction(options.yes, `unfreeze AI spend${tenant ? ` for tenant ${tenant}` : ''}`);
  const config = ctx.config();
  const redis = await ctx.systems.redis();
  const actor = defaultActor(ctx.streams.env);
  const lifted = await unfreezeBudget({ redis, keyPrefix: config.redisKeyPrefix }, { tenant, actor });
  if (lifted)
    await ctx.recordAction({
      kind: 'budget.unfreeze',
      summary: `AI spend unfrozen${tenant ? ` for tenant ${tenant}` : ''} by ${actor}`,
      outcome: 'succeeded',
    });
  if (format !== 'table')
    writeOut(ctx.io, renderData(format, { environment: config.envName, frozen: false, lifted: lifted ?? null }));
  else
    writeOut(
      ctx.io,
      lifted
        ? `Unfrozen${tenant ? ` (tenant ${tenant})` : ''}; the freeze by ${lifted.actor} (${lifted.reason}) is lifted.`
        : `Nothing to do: AI spend${tenant ? ` for tenant ${tenant}` : ''} was not frozen.`,
    );
}

export function registerUnfreeze(budget: Command, context: () => CommandContext): void {
  budget
    .command('unfreeze')
    .description('lift a freeze')
    .option('--tenant <id>', 'the tenant whose freeze to lift')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget unfreeze
  medicalcor budget unfreeze --tenant clinic-42`,
    )
    .action((options: UnfreezeOptions) => runUnfreeze(context(), options));
}
