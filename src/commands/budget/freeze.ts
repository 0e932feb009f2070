import type { Command } from 'commander';
import { freezeBudget } from '../../core/budget/index.js';
import { defaultActor } from '../../core/config/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { checkTenant, FORMATS } from './shared.js';

export interface FreezeOptions {
  tenant?: string;
  reason: string;
  yes?: boolean;
}

export async function runFreeze(ctx: CommandContext, options: FreezeOptions): Promise<void> {
  ctx.label = 'medicalcor budget freeze';
  const tenant = checkTenant(options.tenant);
  const format = ctx.format(FORMATS);
  await ctx.confirmProduction(options.yes, `freeze AI spend${tenant ? ` for tenant ${tenant}` : ''}`);
  const config = ctx.config();
  const redis = await ctx.systems.redis();
  const record = await freezeBudget(
    { redis, keyPrefix: config.redisKeyPrefix },
    { tenant, actor: defaultActor(ctx.streams.env), reason: options.reason },
  );
  await ctx.recordAction({
    kind: 'budget.freeze',
    summary: `AI spend frozen${tenant ? ` for tenant ${tenant}` : ''} by ${record.actor}`,
    outcome: 'succeeded',
  });
  if (format !== 'table')
    writeOut(ctx.io, renderData(format, { environment: config.envName, frozen: true, freeze: record }));
  else
    writeOut(
      ctx.io,
      `AI spend frozen${tenant ? ` for tenant ${tenant}` : ''} by ${record.actor}: ${record.reason}. ` +
        `Undo with "medicalcor budget unfreeze${tenant ? ` --tenant ${tenant}` : ''}".`,
    );
}

export function registerFreeze(budget: Command, context: () => CommandContext): void {
  budget
    .command('freeze')
    .description("kill switch: refuse every AI call (or one tenant's) from the next call on, until unfrozen")
    .option('--tenant <id>', 'freeze one tenant only')
    .option('--reason <text>', 'why (shown to whoever looks next)', 'frozen by an operator')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget freeze --reason "suspected prompt loop"
  medicalcor budget freeze --tenant clinic-42 --reason "invoice dispute" --env production --yes`,
    )
    .action((options: FreezeOptions) => runFreeze(context(), options));
}
