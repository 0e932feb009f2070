import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { findRunbook, resumeRun, runbookOfRun } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { renderReport } from '../render/runbook.js';
import {
  addRunFlags,
  finishRun,
  lockTimeoutMs,
  parseInFlight,
  runbookDirs,
  sessionDeps,
  type RunFlags,
} from './shared.js';

export interface Options extends RunFlags {
  inFlight?: string;
}

export function register(parent: Command, context: () => CommandContext): void {
  addRunFlags(
    parent
      .command('resume')
      .description('continue a failed, interrupted or abandoned real run from the step that stopped it')
      .argument('<run-id>', 'the run (see "runbook history")')
      .option(
        '--in-flight <done|not-done>',
        'whether the mutating step in flight when the run stopped completed (asked on a terminal)',
      ),
  )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook resume 0b6f3c1e-5d0a-4f7e-9c1b-2a9e8d7c6b5a
  medicalcor runbook resume 0b6f3c1e-5d0a-4f7e-9c1b-2a9e8d7c6b5a --in-flight done --yes -o json`,
    )
    .action((runId: string, options: Options) => resume(context(), runId, options));
}

export async function resume(ctx: CommandContext, runId: string, options: Options): Promise<void> {
  ctx.label = 'medicalcor runbook resume';
  const format = ctx.format(['table', 'json', 'yaml']);
  const inFlight = parseInFlight(options.inFlight);
  const dirs = runbookDirs(ctx, options);
  const runbookId = await runbookOfRun(await ctx.systems.database(), runId);
  const deps = sessionDeps(ctx, { actor: options.actor, yes: Boolean(options.yes), signal: ctx.signal, inFlight });
  const report = await resumeRun(
    {
      loaded: findRunbook(dirs, runbookId),
      runId,
      rollback: options.rollback,
      lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
    },
    deps,
  );
  if (format === 'table') renderReport(ctx.io, report);
  else writeOut(ctx.io, renderData(format, report));
  await finishRun(ctx, report);
}
