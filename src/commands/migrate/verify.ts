import type { Command } from 'commander';
import { hasErrors, migrationStatus } from '../../core/migrations/index.js';
import { note } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderFindings } from '../render/findings.js';
import { describeStale } from '../render/migrate.js';
import { depsFor, openDatabase } from './deps.js';

export interface Options {
  roundtrip?: boolean;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  const format = ctx.format(['table', 'json', 'github']);
  const db = await openDatabase(ctx, 'verify');
  const status = await migrationStatus(depsFor(ctx, db), { resolveStale: true });
  for (const s of status.resolved) note(ctx.io, `note: ${describeStale(s)}`);
  const findings = [...status.findings];
  if (options.roundtrip) {
    const { verifyRoundtrip, roundtripFindings, defaultCacheDir } = await import('../../core/schema/index.js');
    const result = await verifyRoundtrip({
      migrationsDir: ctx.config().migrationsDir,
      cwd: ctx.streams.cwd,
      cacheDir: defaultCacheDir(ctx.streams.env),
      signal: ctx.signal,
      secrets: ctx.io.secrets,
      shadowServerUrl: db.embedded ? undefined : ctx.config().databaseUrl,
      onNote: (line) => note(ctx.io, line),
    });
    note(ctx.io, `roundtrip: ${result.checked} migration(s) applied up, down and up again on ${result.shadow}`);
    findings.push(...roundtripFindings(result));
  }
  renderFindings(ctx.io, format, findings, {
    environment: ctx.config().envName,
    currentVersion: status.currentVersion ?? null,
  });
  ctx.exitCode = exitCodeFor({ problem: hasErrors(findings) });
}

export function register(migrate: Command, _program: Command, context: () => CommandContext): void {
  migrate
    .command('verify')
    .description(
      'check applied files against their recorded checksums, the ledger against the database, ' +
        'and every file for dbmate pitfalls (exit 3 on a problem)',
    )
    .option(
      '--roundtrip',
      'also apply each migration up, down and up again on a shadow database, ' +
        'and report any down that does not undo its up',
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate verify
  medicalcor migrate verify --roundtrip
  medicalcor --env prod migrate verify -o github`,
    )
    .action((options: Options) => run(context(), options));
}
