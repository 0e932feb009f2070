import type { Command } from 'commander';
import {
  checkTargetVersion,
  migrateDown,
  migrationStatus,
  planDownFrom,
  planDownTo,
} from '../../core/migrations/index.js';
import { note, usageError } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { parseWholeNumber } from '../options.js';
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

export async function run(ctx: CommandContext, n: string | undefined, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (n !== undefined && options.to !== undefined) {
    throw usageError(
      'Give either N or --to VERSION, not both.',
      'For example: medicalcor migrate down --to 20240101000001',
    );
  }
  const to = options.to === undefined ? undefined : checkTargetVersion(options.to);
  const target: { to: string } | { count: number } =
    to !== undefined ? { to } : { count: parseWholeNumber('N (migrations)', n ?? '1') };
  const db = await openDatabase(ctx, 'down');
  const environment = ctx.config().envName;
  const status = await migrationStatus(depsFor(ctx, db));
  const steps = 'to' in target ? planDownTo(status, target.to) : planDownFrom(status, target.count);
  if (options.dryRun) return renderPlan(ctx.io, format, steps, { environment, direction: 'down', to: to ?? null });
  if (steps.length === 0)
    note(ctx.io, `nothing to roll back: the database is at version ${status.currentVersion ?? 'none'}`);
  else note(ctx.io, `will roll back, in this order: ${steps.map((s) => s.filename).join(', ')}`);
  if (steps.length) await ctx.confirmProduction(options.yes, `roll back ${steps.map((s) => s.filename).join(', ')}`);
  const progress = await startProgress(ctx);
  const result = await migrateDown(depsFor(ctx, db, options, progress), target).finally(() => progress.stop());
  const outcome = renderApply(ctx.io, format, 'down', result, environment);
  if (result.planned.length) {
    await ctx.recordAction({
      kind: 'migrate.down',
      summary:
        `migrate down on ${environment} (${databaseLabel(ctx, db)}): ` +
        `${result.applied.length} of ${result.planned.length} rolled back, now at ${result.currentVersion ?? 'none'}`,
      outcome: outcome.interrupted ? 'interrupted' : outcome.failure ? 'failed' : 'succeeded',
    });
  }
  settleOutcome(ctx, outcome);
}

export function register(migrate: Command, program: Command, context: () => CommandContext): void {
  migrate
    .command('down')
    .description(
      'roll back the newest N migrations (default 1), or back to --to VERSION, ' + 'showing what will be undone first',
    )
    .argument('[n]', 'how many migrations to roll back (default 1)')
    .option('--to <version>', 'roll back every migration newer than this version (0: all of them)')
    .option('--dry-run', 'print the down SQL instead of running it')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addOption(lockTimeoutOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate down                          # undo the newest migration
  medicalcor migrate down 2 --dry-run              # the down SQL of the newest two
  medicalcor migrate down --to 20251201000001      # back to that version
  medicalcor --env prod migrate down --yes`,
    )
    .action((n: string | undefined, options: Options) => run(context(), n, options));
}
