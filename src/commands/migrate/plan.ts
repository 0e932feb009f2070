import type { Command } from 'commander';
import {
  checkTargetVersion,
  migrationStatus,
  planDownFrom,
  planDownTo,
  planUpFrom,
} from '../../core/migrations/index.js';
import type { CommandContext } from '../context.js';
import { parseWholeNumber } from '../options.js';
import { renderPlan } from '../render/migrate.js';
import { depsFor, openDatabase } from './deps.js';

export interface Options {
  down?: string | true;
  to?: string;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  const to = options.to === undefined ? undefined : checkTargetVersion(options.to);
  const db = await openDatabase(ctx, 'plan');
  const status = await migrationStatus(depsFor(ctx, db));
  const steps = options.down
    ? to !== undefined
      ? planDownTo(status, to)
      : planDownFrom(status, parseWholeNumber('N (migrations)', options.down === true ? '1' : options.down))
    : planUpFrom(status, to);
  renderPlan(ctx.io, format, steps, {
    environment: ctx.config().envName,
    direction: options.down ? 'down' : 'up',
    to: to ?? null,
  });
}

export function register(migrate: Command, program: Command, context: () => CommandContext): void {
  migrate
    .command('plan')
    .description('print the SQL that up (or down N) would run, in order, without running it')
    .addOption(program.createOption('--down [n]', 'plan a rollback of the newest N migrations (default 1)'))
    .option('--to <version>', 'plan up to (or, with --down, back to) this version')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate plan
  medicalcor migrate plan --to 20251201000002
  medicalcor migrate plan --down 2 -o json`,
    )
    .action((options: Options) => run(context(), options));
}
