import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, displayPath, ExitCode, note, usageError } from '../../cli-kit/index.js';
import { defaultActor, packageDir } from '../../core/config/index.js';
import type { InFlightAnswer, RunbookDir, RunReport, SessionDeps } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { parseSeconds } from '../options.js';

/** Options and wiring shared by the runbook verbs: directories, run flags, the engine's systems. */

export interface DirOptions {
  runbooksDir?: string;
}

export interface RunFlags extends DirOptions {
  execute?: boolean;
  yes?: boolean;
  rollback: boolean;
  actor?: string;
  lockTimeout: string;
}

export function runbookDirs(ctx: CommandContext, options: DirOptions): RunbookDir[] {
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

export const lockTimeoutMs = (value: string) => parseSeconds('--lock-timeout', value);

/** "key=value" pairs from the command line. */
export function parseParameterPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw usageError(`--param "${pair}" must be NAME=VALUE.`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

export function parseInFlight(value: string | undefined): InFlightAnswer | undefined {
  if (value === undefined) return undefined;
  if (value === 'done' || value === 'not-done') return value;
  throw usageError(`--in-flight must be "done" or "not-done", not "${value}".`);
}

export function addRunFlags(command: Command): Command {
  return command
    .option('--execute', 'run the mutating steps too (default: a dry run)')
    .option(
      '-y, --yes',
      'confirm on production without a prompt (needs --env), and acknowledge manual steps unattended',
    )
    .option('--no-rollback', 'on failure, leave completed steps in place instead of rolling them back')
    .option('--actor <name>', 'who runs it, for the audit trail (default: MEDICALCOR_ACTOR or user@host)')
    .addOption(
      command
        .createOption('--lock-timeout <seconds>', 'how long to wait while another run of the runbook holds the lease')
        .default('0'),
    )
    .option(
      '--runbooks-dir <dir>',
      "another directory of runbooks (besides the shipped ones and the config's runbooksDir)",
    );
}

/** A check from src/checks, against the database this run already holds open (an embedded one opens once). */
async function runCheck(ctx: CommandContext, id: string, signal: AbortSignal) {
  const { runChecks } = await import('../../checks/index.js');
  const { defaultCacheDir } = await import('../../core/schema/index.js');
  const config = ctx.config();
  const opened = ctx.systems.openedDatabase();
  const [result] = await runChecks(
    {
      config: opened ? { ...config, databaseUrl: opened.url } : config,
      cacheDir: defaultCacheDir(ctx.streams.env),
      signal,
    },
    { only: [id] },
  );
  if (!result) throw new Error(`no check "${id}"`);
  return {
    status: result.status,
    message: `${result.summary}${result.remedy && result.status !== 'pass' ? ` (${result.remedy})` : ''}`,
  };
}

/** The engine's systems, all from ctx.systems (one database, one Redis, one Kubernetes client per command). */
export function sessionDeps(
  ctx: CommandContext,
  options: { actor?: string; yes: boolean; signal: AbortSignal; inFlight?: InFlightAnswer },
): SessionDeps {
  const config = ctx.config();
  const actor = options.actor ?? defaultActor(ctx.streams.env);
  const systems = ctx.systems;
  return {
    config,
    env: ctx.streams.env,
    cwd: ctx.streams.cwd,
    actor,
    signal: options.signal,
    secrets: ctx.io.secrets,
    medicalcorArgv: [process.execPath, join(packageDir(), 'bin', 'medicalcor')],
    onProgress: (line) => note(ctx.io, line),
    note: (line) => note(ctx.io, line),
    database: () => systems.database(),
    redis: () => systems.redis(),
    kubernetes: () => systems.kubernetes(),
    breakers: () => systems.breakers(),
    runCheck: (id, signal) => runCheck(ctx, id, signal),
    inFlight: options.inFlight,
    async confirm({ runbookId, mutatingSteps }) {
      await ctx.confirmProduction(
        options.yes,
        `run runbook ${runbookId} (${mutatingSteps} mutating step${mutatingSteps === 1 ? '' : 's'})`,
      );
    },
    async acknowledge(instruction) {
      if (options.yes) return 'auto';
      if (!ctx.io.interactive) return 'no-terminal';
      const { confirm } = await import('@inquirer/prompts');
      note(ctx.io, `\nMANUAL STEP: ${instruction.trim()}`);
      const done = await confirm(
        { message: 'Done?', default: false },
        { input: ctx.io.stdin, output: ctx.io.stderr, signal: options.signal },
      );
      return done ? 'acknowledged' : 'declined';
    },
    async ask({ runId, stepIndex, stepId, title }) {
      if (!ctx.io.interactive) return 'no-terminal';
      const { select } = await import('@inquirer/prompts');
      note(
        ctx.io,
        `\nStep ${stepIndex + 1} "${stepId}"${title ? ` (${title})` : ''} was in flight when run ${runId} stopped.`,
      );
      return select<InFlightAnswer>(
        {
          message: 'Did it complete?',
          choices: [
            { name: 'no: run it again', value: 'not-done' },
            { name: 'yes: it is done, continue after it', value: 'done' },
          ],
        },
        { input: ctx.io.stdin, output: ctx.io.stderr, signal: options.signal },
      );
    },
    medicalcorEnv() {
      const env: Record<string, string> = {};
      // The child reaches the same database, even the embedded one this process holds open.
      const opened = systems.openedDatabase();
      if (opened) env.MEDICALCOR_DATABASE_URL = opened.url;
      if (config.configFile) env.MEDICALCOR_CONFIG = config.configFile;
      if (config.fileEnvironment) env.MEDICALCOR_ENV = config.envName;
      return env;
    },
  };
}

/** The exit of a finished run, recorded on the incident; a failure also says what to do next. */
export async function finishRun(ctx: CommandContext, report: RunReport): Promise<void> {
  if (report.runId) {
    const outcome =
      report.status === 'succeeded' ? 'succeeded' : report.status === 'interrupted' ? 'interrupted' : 'failed';
    await ctx.recordAction({
      kind: 'runbook.run',
      summary: `runbook ${report.runbook} run ${report.runId} ${report.status.replace('_', ' ')}`,
      ref: `runbook_runs:${report.runId}`,
      outcome,
    });
  }
  if (report.status === 'succeeded') return;
  if (report.status === 'interrupted') {
    throw new CliError(
      `Interrupted at step ${(report.stoppedAt ?? 0) + 1}.`,
      ExitCode.Interrupted,
      report.runId ? `Recorded as interrupted; continue with "medicalcor runbook resume ${report.runId}".` : undefined,
    );
  }
  const hint =
    report.mode === 'dry_run'
      ? 'A read-only step failed; nothing was changed.'
      : report.status === 'failed'
        ? `Fix the cause and continue with "medicalcor runbook resume ${report.runId}".`
        : report.status === 'rolled_back'
          ? 'The completed mutating steps were rolled back.'
          : `Rollback failed: see "medicalcor runbook history --run ${report.runId}" and repair by hand.`;
  throw new CliError(report.error ?? `runbook ${report.runbook} ${report.status}`, ExitCode.Operational, hint);
}
