import type { Command } from 'commander';
import { isDomainError } from '../../core/errors.js';
import {
  checkTargetVersion,
  hasErrors,
  migrationStatus,
  planDownTo,
  planUpFrom,
  type StatusReport,
} from '../../core/migrations/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderStatus, type TargetView } from '../render/migrate.js';
import { databaseLabel, depsFor, openDatabase } from './deps.js';

export interface Options {
  to?: string;
}

/** Where `up --to` and `down --to` would stop; a direction that cannot reach the version says why. */
function targetView(status: StatusReport, to: string): TargetView {
  const up = planUpFrom(status, to).map((s) => s.version);
  try {
    return { version: to, up, down: planDownTo(status, to).map((s) => s.version) };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return { version: to, up, down: [], downRefused: `down cannot reach it (${error.message})` };
  }
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  const to = options.to === undefined ? undefined : checkTargetVersion(options.to);
  const db = await openDatabase(ctx, 'status');
  const status = await migrationStatus(depsFor(ctx, db), { resolveStale: true });
  const target = to === undefined ? undefined : targetView(status, to);
  renderStatus(ctx.io, format, status, { environment: ctx.config().envName, database: databaseLabel(ctx, db), target });
  ctx.exitCode = exitCodeFor({ problem: hasErrors(status.findings) });
}

export function register(migrate: Command, _program: Command, context: () => CommandContext): void {
  migrate
    .command('status')
    .description(
      'list applied and pending migrations, the current version, the last failure, and where --to would stop',
    )
    .option('--to <version>', 'also show what up --to and down --to this version would do')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate status
  medicalcor migrate status --to 20251201000002    # where up/down --to would stop
  medicalcor --env prod migrate status -o json`,
    )
    .action((options: Options) => run(context(), options));
}
