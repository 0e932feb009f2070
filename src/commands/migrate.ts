import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { defaultActor, packageDir } from '../core/config/index.js';
import {
  lintMigrations, migrateDown, migrateUp, migrationStatus, newVersion, planDownFrom, planUpFrom, readMigrationsDir, hasErrors,
  type ApplyResult, type MigrateDeps, type PlanStep, type StatusReport,
} from '../core/migrations/index.js';
import { chalkFor, CliError, displayPath, ExitCode, note, renderData, renderTable, usageError, writeOut } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';
import { parseSeconds, parseWholeNumber } from './options.js';
import { describeDatabase, withDatabase } from './connections.js';
import { renderFindings } from './render/findings.js';

interface WriteOptions {
  dryRun?: boolean;
  yes?: boolean;
  lockTimeout: string;
}

export function depsFor(ctx: CommandContext, db: MigrateDeps['db'], options?: WriteOptions): MigrateDeps {
  return {
    db,
    migrationsDir: ctx.config().migrationsDir,
    cwd: ctx.streams.cwd,
    signal: ctx.signal,
    secrets: ctx.io.secrets,
    lockTimeoutMs: parseSeconds('--lock-timeout', options?.lockTimeout ?? '120'),
    actor: defaultActor(ctx.streams.env),
    onProgress: (line) => note(ctx.io, line),
  };
}

const parseCount = (value: string | undefined) => parseWholeNumber('N (migrations)', value ?? '1');

function renderPlan(ctx: CommandContext, steps: PlanStep[], extra: Record<string, unknown>): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') {
    writeOut(ctx.io, renderData(format, { ...extra, steps }));
    return;
  }
  if (steps.length === 0) {
    writeOut(ctx.io, '-- nothing to run');
    return;
  }
  for (const step of steps) writeOut(ctx.io, `-- ${step.direction}: ${step.filename}\n${step.sql}\n`);
}

function renderStatus(ctx: CommandContext, status: StatusReport, database: string): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  const applied = status.migrations.filter((m) => m.state === 'applied').length;
  if (format !== 'table') {
    writeOut(ctx.io, renderData(format, {
      environment: ctx.config().envName,
      database,
      currentVersion: status.currentVersion ?? null,
      applied,
      pending: status.pending.length,
      migrations: status.migrations.map(({ file: _file, ...m }) => m),
      lastFailure: status.lastFailure ?? null,
      findings: status.findings,
    }));
    return;
  }
  const chalk = chalkFor(ctx.io);
  writeOut(ctx.io, renderTable(status.migrations, [
    { header: 'VERSION', value: (m) => m.version },
    { header: 'MIGRATION', value: (m) => m.filename },
    { header: 'STATE', value: (m) => m.state, style: (t) => (t === 'applied' ? chalk.green(t) : t === 'pending' ? chalk.yellow(t) : chalk.red(t)) },
    { header: 'APPLIED AT', value: (m) => m.appliedAt?.toISOString() },
    { header: 'BY', value: (m) => m.appliedBy },
  ], ctx.io.color));
  writeOut(ctx.io, `\n${database}: version ${status.currentVersion ?? 'none'}, ${applied} applied, ${status.pending.length} pending.`);
  if (status.lastFailure) {
    writeOut(ctx.io, chalk.red(`Last attempt failed at ${status.lastFailure.filename} (${status.lastFailure.failedAt.toISOString()}, ${status.lastFailure.failedBy}): ${status.lastFailure.error}`));
    writeOut(ctx.io, `The database is still at version ${status.currentVersion ?? 'none'}; fix the migration and run "medicalcor migrate up".`);
  }
  if (status.findings.length) renderFindings(ctx.io, 'table', status.findings);
}

function renderApply(ctx: CommandContext, verb: 'applied' | 'rolled back', result: ApplyResult): number {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') {
    writeOut(ctx.io, renderData(format, {
      environment: ctx.config().envName,
      [verb === 'applied' ? 'applied' : 'rolledBack']: result.applied.map(({ version, filename }) => ({ version, filename })),
      failed: result.failed ?? null,
      interrupted: result.interrupted,
      blockedBy: result.blockedBy,
      currentVersion: result.currentVersion ?? null,
    }));
  } else if (result.blockedBy.length) {
    renderFindings(ctx.io, 'table', result.blockedBy);
    writeOut(ctx.io, 'Nothing was applied: fix the problems above first ("medicalcor migrate verify" lists them).');
  } else {
    for (const step of result.applied) writeOut(ctx.io, `${verb}: ${step.filename}`);
    if (result.applied.length === 0 && !result.failed) writeOut(ctx.io, `Nothing to do; the database is at version ${result.currentVersion ?? 'none'}.`);
    else writeOut(ctx.io, `The database is at version ${result.currentVersion ?? 'none'}.`);
  }
  if (result.interrupted) throw new CliError(`Interrupted; the migration in flight was rolled back. The database is at version ${result.currentVersion ?? 'none'}.`, ExitCode.Interrupted);
  if (result.failed) {
    throw new CliError(`${result.failed.filename} failed: ${result.failed.error}`, ExitCode.Operational, `It was rolled back; the database is at version ${result.currentVersion ?? 'none'}. Fix the migration and run the command again.`);
  }
  return result.blockedBy.length ? ExitCode.Problem : ExitCode.Ok;
}

const lockTimeoutOption = (program: Command) => program.createOption('--lock-timeout <seconds>', 'how long to wait for another runner').default('120');

export function register(program: Command, context: () => CommandContext): void {
  const migrate = program.command('migrate').description('Apply, roll back, verify, plan and lint database migrations (dbmate, with a lock and a checksum ledger)');

  migrate
    .command('new')
    .description('create a migration file from templates/migration.sql')
    .argument('<name>', 'what the migration does, in snake_case (e.g. add_leads_source)')
    .action((name: string) => {
      const ctx = context();
      if (!/^[a-z0-9][a-z0-9_]*$/.test(name)) throw usageError(`Migration name "${name}" must be lower-case letters, digits and underscores.`, 'For example: medicalcor migrate new add_leads_source');
      const dir = ctx.config().migrationsDir;
      const existing = readMigrationsDir(dir);
      let version = newVersion();
      while (existing.files.some((f) => f.version >= version)) version = String(BigInt(version) + 1n);
      const path = join(dir, `${version}_${name}.sql`);
      if (existsSync(path)) throw new CliError(`${path} already exists.`, ExitCode.Usage);
      writeFileSync(path, readFileSync(join(packageDir(), 'templates', 'migration.sql'), 'utf8'), { flag: 'wx' });
      const shown = displayPath(ctx.streams.cwd, path);
      const format = ctx.format(['table', 'json', 'yaml']);
      writeOut(ctx.io, format === 'table' ? `created ${shown}` : renderData(format, { version, path: shown }));
    });

  migrate
    .command('status')
    .description('list applied and pending migrations, the current version, and the last failure')
    .action(async () => {
      const ctx = context();
      await withDatabase(ctx, 'migrate status', async (db) => {
        const status = await migrationStatus(depsFor(ctx, db));
        renderStatus(ctx, status, describeDatabase(ctx, db));
        ctx.exitCode = hasErrors(status.findings) ? ExitCode.Problem : ExitCode.Ok;
      });
    });

  migrate
    .command('verify')
    .description('check applied files against their recorded checksums, and every file for dbmate pitfalls (exit 3 on a problem)')
    .option('--roundtrip', 'also apply each migration up, down and up again on a shadow database, and report any down that does not undo its up')
    .action(async (options: { roundtrip?: boolean }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'github']);
      await withDatabase(ctx, 'migrate verify', async (db) => {
        const status = await migrationStatus(depsFor(ctx, db));
        const findings = [...status.findings];
        if (options.roundtrip) {
          const { verifyRoundtrip, roundtripFindings, defaultCacheDir } = await import('../core/schema/index.js');
          const result = await verifyRoundtrip({
            migrationsDir: ctx.config().migrationsDir, cwd: ctx.streams.cwd, cacheDir: defaultCacheDir(ctx.streams.env), signal: ctx.signal, secrets: ctx.io.secrets,
            shadowServerUrl: db.embedded ? undefined : ctx.config().databaseUrl, onNote: (line) => note(ctx.io, line),
          });
          note(ctx.io, `roundtrip: ${result.checked} migration(s) applied up, down and up again on ${result.shadow}`);
          findings.push(...roundtripFindings(result));
        }
        renderFindings(ctx.io, format, findings, { environment: ctx.config().envName, currentVersion: status.currentVersion ?? null });
        ctx.exitCode = hasErrors(findings) ? ExitCode.Problem : ExitCode.Ok;
      });
    });

  migrate
    .command('lint')
    .description('squawk on every up section plus the dbmate file rules; no database needed (exit 3 on an error)')
    .action(async () => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'github']);
      const findings = await lintMigrations(readMigrationsDir(ctx.config().migrationsDir), ctx.streams.cwd);
      renderFindings(ctx.io, format, findings);
      ctx.exitCode = hasErrors(findings) ? ExitCode.Problem : ExitCode.Ok;
    });

  migrate
    .command('plan')
    .description('print the SQL that up (or down N) would run, in order, without running it')
    .addOption(program.createOption('--down [n]', 'plan a rollback of the newest N migrations (default 1)'))
    .action(async (options: { down?: string | true }) => {
      const ctx = context();
      await withDatabase(ctx, 'migrate plan', async (db) => {
        const status = await migrationStatus(depsFor(ctx, db));
        const steps = options.down ? planDownFrom(status, parseCount(options.down === true ? undefined : options.down)) : planUpFrom(status);
        renderPlan(ctx, steps, { environment: ctx.config().envName, direction: options.down ? 'down' : 'up' });
      });
    });

  migrate
    .command('up')
    .description('apply every pending migration (after verify; one runner at a time)')
    .option('--dry-run', 'print the plan instead of applying it')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addOption(lockTimeoutOption(program))
    .action(async (options: WriteOptions) => {
      const ctx = context();
      await withDatabase(ctx, 'migrate up', async (db) => {
        const deps = depsFor(ctx, db, options);
        const status = await migrationStatus(deps);
        if (options.dryRun) return renderPlan(ctx, planUpFrom(status), { environment: ctx.config().envName, direction: 'up' });
        if (status.pending.length) await ctx.confirmProduction(options.yes, `apply ${status.pending.length} migration(s)`);
        ctx.exitCode = renderApply(ctx, 'applied', await migrateUp(deps));
      });
    });

  migrate
    .command('down')
    .description('roll back the newest N migrations (default 1), showing what will be undone first')
    .argument('[n]', 'how many migrations to roll back', '1')
    .option('--dry-run', 'print the down SQL instead of running it')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addOption(lockTimeoutOption(program))
    .action(async (n: string, options: WriteOptions) => {
      const ctx = context();
      const count = parseCount(n);
      await withDatabase(ctx, 'migrate down', async (db) => {
        const deps = depsFor(ctx, db, options);
        const steps = planDownFrom(await migrationStatus(deps), count);
        if (options.dryRun) return renderPlan(ctx, steps, { environment: ctx.config().envName, direction: 'down' });
        note(ctx.io, `will roll back, in this order: ${steps.map((s) => s.filename).join(', ')}`);
        await ctx.confirmProduction(options.yes, `roll back ${steps.map((s) => s.filename).join(', ')}`);
        ctx.exitCode = renderApply(ctx, 'rolled back', await migrateDown(deps, count));
      });
    });
}
