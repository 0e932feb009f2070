import type { Command } from 'commander';
import { baselineTo, checkTargetVersion } from '../../core/migrations/index.js';
import { note, renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { databaseLabel, depsFor, lockTimeoutOption, openDatabase, startProgress } from './deps.js';

export interface Options {
  to: string;
  force?: boolean;
  yes?: boolean;
  lockTimeout: string;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  const to = checkTargetVersion(options.to);
  const db = await openDatabase(ctx, 'baseline');
  const environment = ctx.config().envName;
  await ctx.confirmProduction(options.yes, `record the migrations up to ${to} as applied (baseline)`);
  const { defaultCacheDir } = await import('../../core/schema/index.js');
  const progress = await startProgress(ctx);
  const result = await baselineTo(depsFor(ctx, db, options, progress), {
    to,
    force: options.force,
    shadow: {
      cacheDir: defaultCacheDir(ctx.streams.env),
      shadowServerUrl: db.embedded ? undefined : ctx.config().databaseUrl,
    },
  }).finally(() => progress.stop());
  if (result.versions.length) {
    await ctx.recordAction({
      kind: 'migrate.baseline',
      summary:
        `migrate baseline --to ${to} on ${environment} (${databaseLabel(ctx, db)}): ` +
        (result.recorded ? `${result.versions.length} version(s) recorded` : 'nothing recorded') +
        (result.differences.length
          ? `, ${result.differences.length} difference(s)${result.forced ? ' (forced)' : ''}`
          : ''),
      outcome: result.recorded ? 'succeeded' : 'failed',
    });
  }
  if (format !== 'table') {
    writeOut(
      ctx.io,
      renderData(format, {
        environment,
        to,
        recorded: result.recorded,
        forced: result.forced,
        shadow: result.shadow ?? null,
        versions: result.versions.map(({ version, filename }) => ({ version, filename })),
        differences: result.differences.map(({ kind, name, change, summary, changes }) => ({
          kind,
          name,
          change,
          summary,
          changes,
        })),
        currentVersion: result.currentVersion ?? null,
      }),
    );
  } else if (result.versions.length === 0) {
    writeOut(
      ctx.io,
      `Nothing to record: every migration up to ${to} is already applied ` +
        `(version ${result.currentVersion ?? 'none'}).`,
    );
  } else {
    if (result.shadow) note(ctx.io, `compared with the migrations up to ${to} applied to ${result.shadow}`);
    for (const d of result.differences) writeOut(ctx.io, `  ${d.change.padEnd(7)} ${d.summary}`);
    if (!result.recorded) {
      writeOut(
        ctx.io,
        `The live database differs from the migrations up to ${to} in ${result.differences.length} object(s); ` +
          'nothing was recorded.',
      );
      note(
        ctx.io,
        'hint: reconcile the differences (medicalcor schema diff shows them), baseline to another version, ' +
          'or record anyway with --force.',
      );
    } else {
      for (const v of result.versions) writeOut(ctx.io, `recorded: ${v.filename}`);
      writeOut(
        ctx.io,
        result.forced
          ? `Recorded ${result.versions.length} version(s) DESPITE ${result.differences.length} difference(s); ` +
              `the ledger marks them as forced. The database is at version ${result.currentVersion}.`
          : `The live schema matches the migrations up to ${to}: ` +
              `recorded ${result.versions.length} version(s) as applied. ` +
              `The database is at version ${result.currentVersion}.`,
      );
    }
  }
  ctx.exitCode = exitCodeFor({ problem: !result.recorded && result.differences.length > 0 });
}

export function register(migrate: Command, program: Command, context: () => CommandContext): void {
  migrate
    .command('baseline')
    .description(
      'adopt a database that already has the schema: record the migrations up to --to as applied, ' +
        'only if the live schema matches them',
    )
    .requiredOption('--to <version>', 'the last migration the live schema already contains')
    .option('--force', 'record the versions even when the live schema differs (the ledger says so)')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addOption(lockTimeoutOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate baseline --to 20251201000005           # verify, then record
  medicalcor migrate baseline --to 20251201000005 -o json   # the differences, if any
  medicalcor --env prod migrate baseline --to 20251201000005 --yes`,
    )
    .action((options: Options) => run(context(), options));
}
