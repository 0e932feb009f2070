import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { defaultActor, packageDir, type ResolvedConfig } from '../core/config/index.js';
import { openDatabase, type Database } from '../core/db/index.js';
import { chalkFor, CliError, displayPath, ExitCode, note, renderData, renderTable, usageError, writeOut } from '../cli-kit/index.js';
// The client library itself is imported by this module on first use only (it costs ~0.5 s).
import { createKubernetesClient, type KubernetesClient } from '../core/kubernetes/index.js';
import type { Redis } from '../core/redis/index.js';
import {
  findRunbook, formatIssue, listRuns, loadRunbookFile, loadRunbooks, matchAlerts, parseAlertPayload, parseParameterPairs, planResume,
  resolveParameters, resumePoint, runChain, runResumedBy, runRunbook, RunbookFileError, stepsOf,
  type CheckOutcome, type EngineDeps, type LoadedRunbook, type RunbookDir, type RunReport, type StepReport,
} from '../core/runbook/index.js';
import { throwIfAborted, type CommandContext } from './context.js';
import { parseSeconds, parseWholeNumber } from './options.js';
import { withDatabase } from './connections.js';

interface DirOption {
  runbooksDir?: string;
}

interface RunOptions extends DirOption {
  param: string[];
  execute?: boolean;
  yes?: boolean;
  rollback: boolean;
  actor?: string;
  lockTimeout: string;
}

function runbookDirs(ctx: CommandContext, options: DirOption): RunbookDir[] {
  const dirs: RunbookDir[] = [{ path: join(packageDir(), 'src', 'runbooks'), source: 'shipped' }];
  const configured = ctx.config().runbooksDir;
  if (configured) dirs.push({ path: configured, source: displayPath(ctx.streams.cwd, configured) });
  if (options.runbooksDir) {
    const path = resolve(ctx.streams.cwd, options.runbooksDir);
    if (!existsSync(path)) throw usageError(`--runbooks-dir ${options.runbooksDir} does not exist.`);
    dirs.push({ path, source: options.runbooksDir });
  }
  return dirs;
}

const lockTimeoutMs = (value: string) => parseSeconds('--lock-timeout', value);

/** The systems a run may touch, each opened on first use and closed by close(). */
function engineDeps(ctx: CommandContext, actor: string, options: { yes: boolean; label: string }): EngineDeps & { close(): Promise<void> } {
  const config = ctx.config();
  let database: Promise<Database> | undefined;
  let opened: Database | undefined;
  let redis: Promise<Redis> | undefined;
  const kubeconfig = ctx.streams.env.KUBECONFIG?.split(':').find(Boolean);
  let kubernetes: KubernetesClient | undefined;
  const deps: EngineDeps & { close(): Promise<void> } = {
    config,
    env: ctx.streams.env,
    actor,
    signal: ctx.signal,
    secrets: ctx.io.secrets,
    medicalcorArgv: [process.execPath, join(packageDir(), 'bin', 'medicalcor')],
    onProgress: (line) => note(ctx.io, line),
    database() {
      database ??= openDatabase(config, ctx.io, { command: `medicalcor runbook ${options.label}`, applicationName: `medicalcor runbook ${options.label} (${actor}, pid ${process.pid})`, cwd: ctx.streams.cwd })
        .then((db) => (opened = db));
      return database;
    },
    redis() {
      redis ??= import('../core/redis/index.js').then(({ openRedis }) => openRedis(config.redisUrl));
      return redis;
    },
    kubernetes() {
      kubernetes ??= createKubernetesClient({ context: config.kubernetes?.context, namespace: config.kubernetes?.namespace ?? 'default', kubeconfigPath: kubeconfig });
      return kubernetes;
    },
    async breakers() {
      const [{ BreakerStore }, client] = await Promise.all([import('../core/breakers/index.js'), deps.redis()]);
      return new BreakerStore(client, { keyPrefix: config.redisKeyPrefix });
    },
    runCheck(id, signal) {
      return runCheck(config, opened, id, signal, ctx.streams.env);
    },
    async acknowledge(instruction) {
      if (options.yes) return 'auto';
      if (!ctx.io.interactive) return 'no-terminal';
      const { confirm } = await import('@inquirer/prompts');
      note(ctx.io, `\nMANUAL STEP: ${instruction.trim()}`);
      const done = await confirm({ message: 'Done?', default: false }, { input: ctx.io.stdin, output: ctx.io.stderr, signal: ctx.signal });
      return done ? 'acknowledged' : 'declined';
    },
    medicalcorEnv() {
      const env: Record<string, string> = {};
      // The child reaches the same database, even the embedded one this process holds open.
      if (opened) env.MEDICALCOR_DATABASE_URL = opened.url;
      if (config.configFile) env.MEDICALCOR_CONFIG = config.configFile;
      if (config.fileEnvironment) env.MEDICALCOR_ENV = config.envName;
      return env;
    },
    async close() {
      await Promise.all([
        database?.then((db) => db.close()).catch(() => {}),
        redis?.then((r) => r.quit()).catch(() => {}),
      ]);
    },
  };
  return deps;
}

/**
 * A check from src/checks. It gets the database this run already holds open (an embedded
 * database cannot be opened twice), otherwise the environment's own.
 */
async function runCheck(config: ResolvedConfig, opened: Database | undefined, id: string, signal: AbortSignal, env: Record<string, string | undefined>): Promise<CheckOutcome> {
  const { runChecks } = await import('../checks/index.js');
  const { defaultCacheDir } = await import('../core/schema/index.js');
  const [result] = await runChecks({ config: opened ? { ...config, databaseUrl: opened.url } : config, cacheDir: defaultCacheDir(env), signal }, { only: [id] });
  if (!result) throw new Error(`no check "${id}"`);
  return { status: result.status, message: `${result.summary}${result.remedy && result.status !== 'pass' ? ` (${result.remedy})` : ''}` };
}

/** Parameters, confirmation, the run, the report: one runbook run from `run`, `resume` or `for-alert`. */
async function execute(
  ctx: CommandContext,
  loaded: LoadedRunbook,
  given: Record<string, string>,
  options: { execute: boolean; yes: boolean; rollback: boolean; actor?: string; lockTimeoutMs: number; resumeRunId?: string },
): Promise<RunReport> {
  const { runbook } = loaded;
  const config = ctx.config();
  const actor = options.actor ?? defaultActor(ctx.streams.env);
  const deps = engineDeps(ctx, actor, { yes: options.yes, label: runbook.id });
  try {
    let parameters;
    let resume;
    if (!options.resumeRunId) {
      parameters = resolveParameters(runbook, given);
    } else {
      const db = await deps.database();
      const { run, chain } = await planResume(db.pool, options.resumeRunId, config.envName);
      if (run.runbookId !== runbook.id) throw usageError(`Run ${run.id} is a run of ${run.runbookId}, not ${runbook.id}.`, `Resume it with "medicalcor runbook resume ${run.id}".`);
      if (runbook.parameters.some((p) => p.sensitive && run.parameters[p.name])) throw usageError(`Run ${run.id} had a sensitive parameter, which is not stored; it cannot be resumed.`, `Start a new run with "medicalcor runbook run ${runbook.id}".`);
      // The stored values are checked again: the runbook's rules may have tightened since.
      parameters = resolveParameters(runbook, run.parameters);
      resume = await resumePoint(db.pool, runbook, run, chain);
      note(ctx.io, `resuming run ${run.id} at step ${resume.fromIndex + 1} "${runbook.steps[resume.fromIndex]!.id}"`);
    }
    if (options.execute) {
      const mutating = runbook.steps.filter((s) => s.mutates).length;
      await ctx.confirmProduction(options.yes, `run runbook ${runbook.id} (${mutating} mutating step${mutating === 1 ? '' : 's'})`);
    }
    return await runRunbook(runbook, { mode: options.execute ? 'execute' : 'dry_run', parameters, rollback: options.rollback, lockTimeoutMs: options.lockTimeoutMs, resume }, deps);
  } finally {
    await deps.close();
  }
}

const STATUS_MARK: Record<StepReport['status'], string> = {
  succeeded: '✓', failed: '✗', interrupted: '!', skipped: '–', not_run: '·', done_earlier: '=', rolled_back: '↺',
};

function indent(text: string, prefix = '      '): string {
  return text.split('\n').map((l) => `${prefix}${l}`.trimEnd()).join('\n');
}

function renderReport(ctx: CommandContext, report: RunReport): void {
  const chalk = chalkFor(ctx.io);
  const dry = report.mode === 'dry_run';
  const lines: string[] = [];
  lines.push(chalk.bold(`${report.runbook} — ${report.title}`));
  lines.push(`environment: ${report.environment}   actor: ${report.actor}   ${dry ? chalk.yellow('DRY RUN: read-only steps ran, nothing was changed (pass --execute to run)') : `run: ${report.runId}`}`);
  if (report.resumedFrom) lines.push(`resumes run ${report.resumedFrom}`);
  const params = Object.entries(report.parameters);
  if (params.length) lines.push(`parameters: ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  lines.push('');
  for (const step of report.steps) {
    const colour = step.status === 'succeeded' ? chalk.green : step.status === 'failed' || step.status === 'interrupted' ? chalk.red : step.status === 'rolled_back' ? chalk.yellow : chalk.dim;
    const status = step.status === 'skipped' ? 'not run (dry run; would run:)' : step.status.replace('_', ' ');
    const time = step.durationMs !== undefined ? `  ${step.durationMs}ms` : '';
    lines.push(`${String(step.index + 1).padStart(2)}. ${colour(`${STATUS_MARK[step.status]} ${step.id}`)}  ${step.kind}${step.mutates ? chalk.magenta(' mutates') : ''}  ${colour(status)}${time}${step.attempts && step.attempts > 1 ? `  (${step.attempts} attempts)` : ''}`);
    if (step.title) lines.push(`      ${chalk.dim(step.title)}`);
    if (step.status !== 'done_earlier') lines.push(indent(step.action, '      $ '));
    if (step.output) lines.push(indent(step.output));
    if (step.error) lines.push(chalk.red(indent(`error: ${step.error}`)));
    if (step.verify) lines.push(indent(`verify: ${step.verify.status}${step.verify.error ? ` — ${step.verify.error}` : ''}`));
    if (step.rollback) lines.push(chalk.yellow(indent(`rollback: ${step.rollback.status}${step.rollback.error ? ` — ${step.rollback.error}` : ''}${step.rollback.action ? `\n$ ${step.rollback.action}` : ''}`)));
  }
  lines.push('');
  const statusText = report.status.replace('_', ' ');
  lines.push(`${dry ? 'dry run' : `run ${report.runId}`}: ${report.status === 'succeeded' ? chalk.green(statusText) : chalk.red(statusText)}`);
  writeOut(ctx.io, lines.join('\n'));
}

function render(ctx: CommandContext, value: unknown, table: () => void): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format === 'table') table();
  else writeOut(ctx.io, renderData(format, value));
}

/** The exit code of a finished run; a failure also gets one line on stderr saying what to do. */
function outcome(report: RunReport): never | void {
  if (report.status === 'succeeded') return;
  if (report.status === 'interrupted') {
    throw new CliError(`Interrupted at step ${(report.stoppedAt ?? 0) + 1}.`, ExitCode.Interrupted, report.runId ? `Recorded as interrupted; continue with "medicalcor runbook resume ${report.runId}".` : undefined);
  }
  const hint = report.mode === 'dry_run'
    ? 'A read-only step failed; nothing was changed.'
    : report.status === 'failed'
      ? `Fix the cause and continue with "medicalcor runbook resume ${report.runId}".`
      : report.status === 'rolled_back'
        ? 'The completed mutating steps were rolled back.'
        : `Rollback failed: see "medicalcor runbook history --run ${report.runId}" and repair by hand.`;
  throw new CliError(report.error ?? `runbook ${report.runbook} ${report.status}`, ExitCode.Operational, hint);
}

const runOptions = (command: Command) =>
  command
    .option('--execute', 'run the mutating steps too (default: a dry run)')
    .option('-y, --yes', 'confirm on production without a prompt (needs --env), and acknowledge manual steps unattended')
    .option('--no-rollback', 'on failure, leave completed steps in place instead of rolling them back')
    .option('--actor <name>', 'who runs it, for the audit trail (default: MEDICALCOR_ACTOR or user@host)')
    .addOption(command.createOption('--lock-timeout <seconds>', 'how long to wait when another run of the runbook holds the lock').default('0'))
    .option('--runbooks-dir <dir>', 'another directory of runbooks (besides the shipped ones and the config\'s runbooksDir)');

export function register(program: Command, context: () => CommandContext): void {
  const runbook = program.command('runbook').description('List, dry-run and execute runbooks with rollback, resume, lock and audit');

  runbook
    .command('list')
    .description('the runbooks available: shipped ones, then the config\'s runbooksDir and --runbooks-dir (same id: the later wins)')
    .option('--runbooks-dir <dir>', 'another directory of runbooks')
    .action((options: DirOption) => {
      const ctx = context();
      const { runbooks, errors } = loadRunbooks(runbookDirs(ctx, options));
      const rows = runbooks.map(({ runbook: r, file, source }) => ({
        id: r.id, title: r.title, alerts: r.alerts, parameters: r.parameters.map((p) => p.name), steps: r.steps.length, mutatingSteps: r.steps.filter((s) => s.mutates).length, source, file,
      }));
      render(ctx, { runbooks: rows, invalid: errors.map((e) => ({ file: e.file, issues: e.issues.map(formatIssue) })) }, () => {
        writeOut(ctx.io, renderTable(rows, [
          { header: 'ID', value: (r) => r.id },
          { header: 'TITLE', value: (r) => r.title },
          { header: 'STEPS', value: (r) => `${r.steps} (${r.mutatingSteps} mutating)` },
          { header: 'ALERTS', value: (r) => r.alerts.join(', ') },
          { header: 'SOURCE', value: (r) => r.source },
        ], ctx.io.color));
      });
      for (const error of errors) note(ctx.io, `invalid: ${error.message}`);
      if (errors.length) ctx.exitCode = ExitCode.Problem;
    });

  runbook
    .command('show')
    .description('a runbook\'s parameters and steps')
    .argument('<id>', 'runbook id')
    .option('--runbooks-dir <dir>', 'another directory of runbooks')
    .action((id: string, options: DirOption) => {
      const ctx = context();
      const loaded = findRunbook(runbookDirs(ctx, options), id);
      const r = loaded.runbook;
      render(ctx, { ...r, file: loaded.file, source: loaded.source }, () => {
        const chalk = chalkFor(ctx.io);
        const lines = [chalk.bold(`${r.id} — ${r.title}`), `file: ${displayPath(ctx.streams.cwd, loaded.file)}`];
        if (r.description) lines.push('', r.description.trim());
        if (r.alerts.length) lines.push('', `answers alerts: ${r.alerts.join(', ')}`);
        if (r.parameters.length) {
          lines.push('', renderTable(r.parameters, [
            { header: 'PARAMETER', value: (p) => p.name },
            { header: 'TYPE', value: (p) => (p.type === 'enum' ? `enum(${p.values!.join('|')})` : p.type) },
            { header: 'REQUIRED', value: (p) => (p.required ? 'yes' : '') },
            { header: 'DEFAULT', value: (p) => (p.default === undefined ? '' : String(p.default)) },
            { header: 'PATTERN', value: (p) => p.pattern ?? '' },
            { header: 'DESCRIPTION', value: (p) => p.description ?? '' },
          ], ctx.io.color));
        }
        lines.push('', renderTable(r.steps.map((s, i) => ({ ...s, n: i + 1 })), [
          { header: '#', value: (s) => s.n },
          { header: 'STEP', value: (s) => s.id },
          { header: 'KIND', value: (s) => s.kind },
          { header: 'MUTATES', value: (s) => (s.mutates ? 'yes' : '') },
          { header: 'VERIFY', value: (s) => (s.verify ? 'yes' : '') },
          { header: 'ROLLBACK', value: (s) => (s.rollback ? s.rollback.kind : s.kind === 'k8s' && s.action === 'scale' ? 'scale back' : s.kind === 'breaker' && s.action === 'open' ? 'reset' : '') },
          { header: 'TITLE', value: (s) => s.title ?? '' },
        ], ctx.io.color));
        writeOut(ctx.io, lines.join('\n'));
      });
    });

  runbook
    .command('new')
    .description('create a runbook file from templates/runbook.yaml')
    .argument('<id>', 'the new runbook\'s id (lower-case letters, digits, - and _)')
    .option('--dir <dir>', 'where to write it (default: the config\'s runbooksDir, else ./runbooks)')
    .action((id: string, options: { dir?: string }) => {
      const ctx = context();
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(id)) throw usageError(`Runbook id "${id}" must be lower-case letters, digits, - and _.`, 'For example: medicalcor runbook new redis-memory-high');
      const dir = options.dir ? resolve(ctx.streams.cwd, options.dir) : ctx.config().runbooksDir ?? resolve(ctx.streams.cwd, 'runbooks');
      const file = join(dir, `${id}.yaml`);
      if (existsSync(file)) throw usageError(`${file} already exists.`);
      const template = readFileSync(join(packageDir(), 'templates', 'runbook.yaml'), 'utf8').replace(/^id: .*$/m, `id: ${id}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, template, { flag: 'wx' });
      const shown = displayPath(ctx.streams.cwd, file);
      const format = ctx.format(['table', 'json', 'yaml']);
      if (format === 'table') writeOut(ctx.io, `created ${shown}\nedit it, then: medicalcor runbook validate ${shown}`);
      else writeOut(ctx.io, renderData(format, { id, path: shown }));
    });

  runbook
    .command('validate')
    .description('check runbook files (exit 2 naming the file, step and field of each problem)')
    .argument('<files...>', 'runbook YAML files')
    .action((files: string[]) => {
      const ctx = context();
      const results = files.map((file) => {
        const path = resolve(ctx.streams.cwd, file);
        try {
          const r = loadRunbookFile(path);
          return { file, valid: true, id: r.id, steps: r.steps.length, issues: [] as string[] };
        } catch (error) {
          if (error instanceof RunbookFileError) return { file, valid: false, issues: error.issues.map(formatIssue) };
          if (error instanceof CliError) return { file, valid: false, issues: [error.message] };
          throw error;
        }
      });
      render(ctx, { files: results }, () => {
        for (const r of results) {
          if (r.valid) writeOut(ctx.io, `ok  ${r.file} (${r.id}, ${r.steps} steps)`);
        }
      });
      const invalid = results.filter((r) => !r.valid);
      if (invalid.length) {
        throw new CliError(invalid.flatMap((r) => r.issues.map((i) => `${r.file}: ${i}`)).join('\nerror: '), ExitCode.Usage, 'Fix the fields named above; docs/runbook.md describes the format.');
      }
    });

  runOptions(
    runbook
      .command('run')
      .description('dry-run a runbook (read-only steps run, mutating ones are shown); --execute runs it')
      .argument('<id>', 'runbook id (see "runbook list")')
      .option('-p, --param <name=value>', 'a parameter (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
      .option('--resume <run-id>', 'continue a stopped run (same as "runbook resume RUN_ID")'),
  ).action(async (id: string, options: RunOptions & { resume?: string }) => {
    const ctx = context();
    ctx.format(['table', 'json', 'yaml']);
    const loaded = findRunbook(runbookDirs(ctx, options), id);
    if (options.resume && !options.execute) throw usageError('--resume continues a real run: add --execute.');
    const report = await execute(ctx, loaded, parseParameterPairs(options.param), {
      execute: Boolean(options.execute), yes: Boolean(options.yes), rollback: options.rollback, actor: options.actor, lockTimeoutMs: lockTimeoutMs(options.lockTimeout), resumeRunId: options.resume,
    });
    render(ctx, report, () => renderReport(ctx, report));
    outcome(report);
  });

  runOptions(
    runbook
      .command('resume')
      .description('continue a failed or interrupted real run from the step that stopped it')
      .argument('<run-id>', 'the run (see "runbook history")'),
  ).action(async (runId: string, options: RunOptions) => {
    const ctx = context();
    ctx.format(['table', 'json', 'yaml']);
    const dirs = runbookDirs(ctx, options);
    const runbookId = await withDatabase(ctx, 'runbook resume', async (db) => {
      const chain = await runChain(db.pool, runId);
      if (!chain.length) throw usageError(`No runbook run ${runId} on this database.`, 'List runs with "medicalcor runbook history".');
      return chain[chain.length - 1]!.runbookId;
    });
    const report = await execute(ctx, findRunbook(dirs, runbookId), {}, {
      execute: true, yes: Boolean(options.yes), rollback: options.rollback, actor: options.actor, lockTimeoutMs: lockTimeoutMs(options.lockTimeout), resumeRunId: runId,
    });
    render(ctx, report, () => renderReport(ctx, report));
    outcome(report);
  });

  runbook
    .command('history')
    .description('recorded real runs, newest first; --run shows one run\'s steps')
    .argument('[id]', 'only runs of this runbook')
    .option('--run <run-id>', 'the steps of one run (and of the runs it resumed)')
    .option('--all-envs', 'runs on every environment, not only the selected one')
    .addOption(program.createOption('--limit <n>', 'how many runs').default('20'))
    .action(async (id: string | undefined, options: { run?: string; allEnvs?: boolean; limit: string }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const limit = parseWholeNumber('--limit', options.limit);
      await withDatabase(ctx, 'runbook history', async (db) => {
        if (options.run) {
          const chain = await runChain(db.pool, options.run);
          // and the runs that resumed it, so any run id of a chain shows the whole story
          for (let next = chain.length ? await runResumedBy(db.pool, chain[chain.length - 1]!.id) : undefined; next && chain.length < 100; next = await runResumedBy(db.pool, next.id)) chain.push(next);
          if (!chain.length) throw usageError(`No runbook run ${options.run} on this database.`);
          const steps = await stepsOf(db.pool, chain.map((r) => r.id));
          render(ctx, { runs: chain, steps }, () => {
            for (const run of chain) writeOut(ctx.io, `run ${run.id}  ${run.runbookId}  ${run.environment}  ${run.status}  by ${run.actor}  ${run.startedAt.toISOString()}${run.error ? `\n  error: ${run.error}` : ''}`);
            writeOut(ctx.io, '');
            writeOut(ctx.io, renderTable(steps, [
              { header: 'RUN', value: (s) => s.runId.slice(0, 8) },
              { header: '#', value: (s) => s.stepIndex + 1 },
              { header: 'STEP', value: (s) => s.stepId },
              { header: 'KIND', value: (s) => s.kind },
              { header: 'PHASE', value: (s) => s.phase },
              { header: 'STATUS', value: (s) => s.status },
              { header: 'EXIT', value: (s) => s.exitCode },
              { header: 'MS', value: (s) => s.durationMs },
              { header: 'ERROR', value: (s) => s.error?.split('\n')[0] },
            ], ctx.io.color));
          });
          return;
        }
        const runs = await listRuns(db.pool, { runbookId: id, environment: options.allEnvs ? undefined : ctx.config().envName, limit });
        if (format !== 'table') return render(ctx, { runs }, () => {});
        if (!runs.length) return writeOut(ctx.io, `No recorded runs${id ? ` of ${id}` : ''} on ${options.allEnvs ? 'any environment' : ctx.config().envName}.`);
        writeOut(ctx.io, renderTable(runs, [
          { header: 'RUN', value: (r) => r.id },
          { header: 'RUNBOOK', value: (r) => r.runbookId },
          { header: 'ENV', value: (r) => r.environment },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'ACTOR', value: (r) => r.actor },
          { header: 'STARTED', value: (r) => r.startedAt.toISOString() },
          { header: 'SECONDS', value: (r) => (r.finishedAt ? ((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1) : '') },
          { header: 'RESUMES', value: (r) => r.resumedFrom?.slice(0, 8) },
        ], ctx.io.color));
      });
    });

  runOptions(
    runbook
      .command('for-alert')
      .description('pick and run (dry by default) the runbook of each firing alert in an AlertManager webhook payload')
      .argument('<file>', 'the payload as JSON, or - for stdin'),
  ).action(async (file: string, options: RunOptions) => {
    const ctx = context();
    ctx.format(['table', 'json', 'yaml']);
    let text: string;
    try {
      text = file === '-' ? await readStdin(ctx) : readFileSync(resolve(ctx.streams.cwd, file), 'utf8');
    } catch (error) {
      throw usageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
    const payload = parseAlertPayload(text, file === '-' ? 'stdin' : file);
    const { runbooks, errors } = loadRunbooks(runbookDirs(ctx, options));
    for (const error of errors) note(ctx.io, `skipped invalid runbook: ${error.message.split('\n')[0]}`);
    const matches = matchAlerts(payload, runbooks);
    const alerts: { alertname: string; fingerprint?: string; runbook: string | null; parameters: Record<string, string>; runId: string | null; status: string; error?: string }[] = [];
    const reports: RunReport[] = [];
    const seen = new Map<string, (typeof alerts)[number]>();
    for (const match of matches) {
      if (!match.runbook) {
        alerts.push({
          alertname: match.alertname, fingerprint: match.fingerprint, runbook: null, parameters: {}, runId: null,
          status: match.ambiguous ? 'ambiguous' : 'no_runbook',
          error: match.ambiguous ? `answered by several runbooks (${match.ambiguous.join(', ')}); keep the alert in one of them` : undefined,
        });
        continue;
      }
      // Grouped alerts often repeat one problem per instance: one run per runbook and parameter set.
      const key = `${match.runbook.runbook.id}\0${JSON.stringify(Object.entries(match.given).sort())}`;
      const earlier = seen.get(key);
      if (earlier) {
        alerts.push({ ...earlier, fingerprint: match.fingerprint, status: 'same_run' });
        continue;
      }
      let entry: (typeof alerts)[number];
      try {
        note(ctx.io, `alert ${match.alertname}: runbook ${match.runbook.runbook.id}`);
        const report = await execute(ctx, match.runbook, match.given, {
          execute: Boolean(options.execute), yes: Boolean(options.yes), rollback: options.rollback, actor: options.actor ?? `alertmanager:${payload.receiver ?? 'webhook'} via ${defaultActor(ctx.streams.env)}`, lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
        });
        reports.push(report);
        entry = { alertname: match.alertname, fingerprint: match.fingerprint, runbook: report.runbook, parameters: report.parameters, runId: report.runId, status: report.status, error: report.error ?? undefined };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        if (!(error instanceof CliError)) throw error;
        entry = { alertname: match.alertname, fingerprint: match.fingerprint, runbook: match.runbook.runbook.id, parameters: match.given, runId: null, status: 'not_started', error: error.message };
      }
      seen.set(key, entry);
      alerts.push(entry);
    }
    render(ctx, { status: payload.status, alerts, runs: reports }, () => {
      for (const report of reports) {
        renderReport(ctx, report);
        writeOut(ctx.io, '');
      }
      writeOut(ctx.io, renderTable(alerts, [
        { header: 'ALERT', value: (a) => a.alertname },
        { header: 'RUNBOOK', value: (a) => a.runbook ?? '(none)' },
        { header: 'PARAMETERS', value: (a) => Object.entries(a.parameters).map(([k, v]) => `${k}=${v}`).join(' ') },
        { header: 'STATUS', value: (a) => a.status },
        { header: 'RUN', value: (a) => a.runId },
        { header: 'ERROR', value: (a) => a.error?.split('\n')[0] },
      ], ctx.io.color));
      if (!matches.length) writeOut(ctx.io, 'No firing alerts in the payload.');
    });
    throwIfAborted(ctx.signal);
    if (alerts.some((a) => !['succeeded', 'no_runbook', 'same_run'].includes(a.status))) ctx.exitCode = ExitCode.Operational;
    else if (alerts.some((a) => a.status === 'no_runbook')) ctx.exitCode = ExitCode.Problem;
  });
}

async function readStdin(ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
