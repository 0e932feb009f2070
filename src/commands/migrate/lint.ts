import type { Command } from 'commander';
import { changedMigrationFiles, hasErrors, lintMigrations, readMigrationsDir } from '../../core/migrations/index.js';
import { note } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { parseWholeNumber } from '../options.js';
import { renderFindings } from '../render/findings.js';

export interface Options {
  changedSince?: string;
  pgVersion: string;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'github']);
  const pgVersion = parseWholeNumber('--pg-version', options.pgVersion, { min: 9, max: 30 });
  const dir = readMigrationsDir(ctx.config().migrationsDir);
  const only =
    options.changedSince === undefined ? undefined : await changedMigrationFiles(dir.dir, options.changedSince);
  if (only) note(ctx.io, `linting ${only.size} migration file(s) changed since ${options.changedSince}`);
  const findings = await lintMigrations(dir, ctx.streams.cwd, { pgVersion, only });
  renderFindings(ctx.io, format, findings, only ? { changedSince: options.changedSince, files: [...only].sort() } : {});
  ctx.exitCode = exitCodeFor({ problem: hasErrors(findings) });
}

export function register(migrate: Command, _program: Command, context: () => CommandContext): void {
  migrate
    .command('lint')
    .description('squawk on every up section plus the dbmate file rules; no database needed (exit 3 on an error)')
    .option(
      '--changed-since <ref>',
      'lint only the migrations changed since this git ref (e.g. origin/main in a pull request)',
    )
    .option('--pg-version <n>', 'PostgreSQL major version the migrations will run on (passed to squawk)', '15')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate lint
  medicalcor migrate lint --changed-since origin/main -o github   # in a pull request
  medicalcor migrate lint --pg-version 16`,
    )
    .action((options: Options) => run(context(), options));
}
