import type { Command } from 'commander';
import { defaultActor } from '../../core/config/index.js';
import type { Database } from '../../core/db/index.js';
import type { MigrateDeps } from '../../core/migrations/index.js';
import { ExitCode, note, startSpinner } from '../../cli-kit/index.js';
import { interrupted } from '../../core/errors.js';
import { exitCodeFor } from '../errors.js';
import type { CommandContext } from '../context.js';
import { parseSeconds } from '../options.js';

/** Options of the verbs that write (up, down, baseline). */
export interface WriteOptions {
  dryRun?: boolean;
  yes?: boolean;
  lockTimeout: string;
  to?: string;
}

/** Names the process to the server, then opens the primary (migrations never go to a replica). */
export async function openDatabase(ctx: CommandContext, verb: string): Promise<Database> {
  ctx.label = `medicalcor migrate ${verb}`;
  return ctx.systems.database();
}

/** The database as it may be shown: the embedded one by its directory, a server with no credentials. */
export function databaseLabel(ctx: CommandContext, db: Database): string {
  if (db.embedded) return `embedded (${ctx.config().embeddedDataDir})`;
  const url = new URL(ctx.config().databaseUrl!);
  return `${url.hostname}:${url.port || 5432}${url.pathname}`;
}

/**
 * Progress on stderr: a spinner on a terminal; plain lines only when asked for elsewhere (the
 * global --progress: the CLI's one progress decision, ctx.io.progress).
 */
export interface Progress {
  /** whether update() shows anything (a spinner or lines) */
  shown: boolean;
  update(text: string): void;
  /** a line that is always shown (a lock wait is a fact the operator must see) */
  say(text: string): void;
  stop(): void;
}

export async function startProgress(ctx: CommandContext): Promise<Progress> {
  // the one decision the CLI made for this run (a spinner on a terminal, without colour under NO_COLOR)
  const lines = ctx.io.progress === 'lines';
  const spinner = ctx.io.progress === 'spinner' ? await startSpinner(ctx.io, 'migrate') : undefined;
  return {
    shown: spinner !== undefined || lines,
    update(text) {
      if (spinner) spinner.update(text);
      else if (lines) note(ctx.io, text);
    },
    say(text) {
      spinner?.stop();
      note(ctx.io, text);
    },
    stop: () => spinner?.stop(),
  };
}

export function depsFor(
  ctx: CommandContext,
  db: Database,
  options?: Pick<WriteOptions, 'lockTimeout'>,
  progress?: Progress,
): MigrateDeps {
  return {
    db,
    migrationsDir: ctx.config().migrationsDir,
    cwd: ctx.streams.cwd,
    signal: ctx.signal,
    secrets: ctx.io.secrets,
    lockTimeoutMs: parseSeconds('--lock-timeout', options?.lockTimeout ?? '120'),
    actor: defaultActor(ctx.streams.env),
    onProgress: progress?.shown ? (text) => progress.update(text) : undefined,
    onLockWait: (text) => (progress ? progress.say(text) : note(ctx.io, text)),
  };
}

export const lockTimeoutOption = (program: Command) =>
  program.createOption('--lock-timeout <seconds>', 'how long to wait for another runner').default('120');
/** The exit of an up or down run, from what renderApply found: interrupted 130, failed 1, else the one rule. */
export function settleOutcome(
  ctx: CommandContext,
  outcome: { interrupted?: string; failure?: string; problem?: boolean },
): void {
  if (outcome.interrupted) throw interrupted(outcome.interrupted, { code: 'migrate.interrupted' });
  if (outcome.failure) {
    note(ctx.io, `error: ${outcome.failure}`);
    ctx.exitCode = ExitCode.Operational;
    return;
  }
  ctx.exitCode = exitCodeFor({ problem: outcome.problem });
}
