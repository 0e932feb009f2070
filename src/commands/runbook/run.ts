import type { Command } from 'commander';
import { renderData, usageError, writeOut } from '../../cli-kit/index.js';
import { findRunbook, resumeRun, startRun, type RunReport } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { renderReport } from '../render/runbook.js';
import {
  addRunFlags,
  finishRun,
  lockTimeoutMs,
  parseInFlight,
  parseParameterPairs,
  runbookDirs,
  sessionDeps,
  type RunFlags,
} from './shared.js';

export interface Options extends RunFlags {
  param: string[];
  resume?: string;
  inFlight?: string;
}

export function register(parent: Command, context: () => CommandContext): void {
  addRunFlags(
    parent
      .command('run')
      .description('dry-run a runbook (read-only steps run, mutating ones are shown); --execute runs it')
      .argument('<id>', 'runbook id (see "runbook list")')
      .option(
        '-p, --param <name=value>',
        'a parameter (repeatable)',
        (value: string, all: string[]) => [...all, value],
        [] as string[],
      )
      .option('--resume <run-id>', 'continue a stopped run (same as "runbook resume RUN_ID")')
      .option(
        '--in-flight <done|not-done>',
        'with --resume: whether the step in flight when the run stopped completed',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook run dlq-replay -p webhookType=whatsapp              # dry run
  medicalcor --env prod runbook run dlq-replay -p webhookType=whatsapp --execute --yes
  medicalcor runbook run openai-outage --execute --no-rollback -o json`,
    )
    .action((id: string, options: Options) => run(context(), id, options));
}

export async function run(ctx: CommandContext, id: string, options: Options): Promise<void> {
  ctx.label = `medicalcor runbook run ${id}`;
  const format = ctx.format(['table', 'json', 'yaml']);
  if (options.resume && !options.execute) throw usageError('--resume continues a real run: add --execute.');
  const loaded = findRunbook(runbookDirs(ctx, options), id);
  const given = parseParameterPairs(options.param);
  if (options.resume && options.param.length)
    throw usageError('--resume uses the parameters of the run it continues: drop --param.');
  const inFlight = parseInFlight(options.inFlight);
  // ctx.signal is the shell's: it aborts on SIGINT, SIGTERM and SIGHUP (a closed terminal) alike
  const deps = sessionDeps(ctx, { actor: options.actor, yes: Boolean(options.yes), signal: ctx.signal, inFlight });
  const common = { loaded, rollback: options.rollback, lockTimeoutMs: lockTimeoutMs(options.lockTimeout) };
  const report: RunReport = options.resume
    ? await resumeRun({ ...common, runId: options.resume }, deps)
    : await startRun({ ...common, given, execute: Boolean(options.execute) }, deps);
  if (format === 'table') renderReport(ctx.io, report);
  else writeOut(ctx.io, renderData(format, report));
  await finishRun(ctx, report);
}
