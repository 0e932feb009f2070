import type { Command } from 'commander';
import { checkTargetVersion, migrateUp, migrationStatus, planUpFrom } from '../../core/migrations/index.js';
import { note } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { renderApply, renderPlan } from '../render/migrate.js';
import {
  databaseLabel,
  depsFor,
  lockTimeoutOption,
  openDatabase,
  startProgress,
  type WriteOptions,
  settleOutcome,
} from './deps.js';

export type Options = WriteOptions;

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  const to = options.to === undefined ? undefined : checkTargetVersion(options.to);
  const db = await openDatabase(ctx, 'up');
  const { envName: environment, production } = ctx.config();
  // the plan is read before the lock only when someone sees it first; the run plans again under the lock
  let expectWork = true;
  if (options.dryRun || to !== undefined || production) {
    const plan = planUpFrom(await migrationStatus(depsFor(ctx, db)), to);
    if (options.dryRun) return renderPlan(ctx.io, format, plan, { environment, direction: 'up', to: to ?? null });
    if (plan.length) {
      if (to !== undefined)
        note(ctx.io, `will apply, in this order: ${plan.map((s) => s.filename).join(', ')} (stopping at ${to})`);
      await ctx.confirmProduction(options.yes, `apply ${plan.length} migration(s)${to ? ` up to ${to}` : ''}`);
    }
    expectWork = plan.length > 0;
  }
  const progress = await startProgress(ctx);
  const result = await migrateUp(depsFor(ctx, db, options, progress), { to, expectWork }).finally(() =>
    progress.stop(),
  );
  const outcome = renderApply(ctx.io, format, 'up', result, environment);
  if (result.planned.length) {
    await ctx.recordAction({
      kind: 'migrate.up',
      summary:
        `migrate up on ${environment} (${databaseLabel(ctx, db)}): ` +
        `${result.applied.length} of ${result.planned.length} applied, ` +
        `now at ${result.currentVersion ?? 'none'}`,
      outcome: outcome.interrupted ? 'interrupted' : outcome.failure ? 'failed' : 'succeeded',
    });
  }
  settleOutcome(ctx, outcome);
}

export function register(migrate: Command, program: Command, context: () => CommandContext): void {
  migrate
    .command('up')
    .description('apply every pending migration, or those up to --to VERSION (after verify; one runner at a time)')
    .option('--to <version>', 'stop after this version (it is applied, newer ones are not)')
    .option('--dry-run', 'print the plan instead of applying it')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addOption(lockTimeoutOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate up                                 # apply everything pending
  medicalcor migrate up --to 20251201000002 --dry-run   # the SQL up to that version
  medicalcor --env prod migrate up --yes                # from a deploy script
  medicalcor migrate up -o json | jq .currentVersion`,
    )
    .action((options: Options) => run(context(), options));
}
