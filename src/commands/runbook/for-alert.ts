import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ExitCode, note, renderData, usageError, writeOut } from '../../cli-kit/index.js';
import { defaultActor } from '../../core/config/index.js';
import { answerAlerts, loadRunbooks, parseAlertPayload } from '../../core/runbook/index.js';
import { throwIfAborted, type CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderAlertOutcomes } from '../render/runbook.js';
import { addRunFlags, lockTimeoutMs, runbookDirs, runSignal, sessionDeps, type RunFlags } from './shared.js';

export type Options = RunFlags;

export function register(parent: Command, context: () => CommandContext): void {
  addRunFlags(
    parent
      .command('for-alert')
      .description('pick and run (dry by default) the runbook of each firing alert in an AlertManager webhook payload')
      .argument('<file>', 'the payload as JSON, or - for stdin'),
  )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook for-alert alert.json                       # dry run of each alert's runbook
  curl -s "$HOOK_BODY_URL" | medicalcor runbook for-alert - --execute --yes --env prod -o json`,
    )
    .action((file: string, options: Options) => forAlert(context(), file, options));
}

async function readStdin(ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function forAlert(ctx: CommandContext, file: string, options: Options): Promise<void> {
  ctx.label = 'medicalcor runbook for-alert';
  const format = ctx.format(['table', 'json', 'yaml']);
  let text: string;
  try {
    text = file === '-' ? await readStdin(ctx) : readFileSync(resolve(ctx.streams.cwd, file), 'utf8');
  } catch (error) {
    throw usageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const payload = parseAlertPayload(text, file === '-' ? 'stdin' : file);
  const { runbooks, errors } = loadRunbooks(runbookDirs(ctx, options));
  for (const error of errors) note(ctx.io, `skipped invalid runbook: ${error.message.split('\n')[0]}`);
  const actor = options.actor ?? `alertmanager:${payload.receiver ?? 'webhook'} via ${defaultActor(ctx.streams.env)}`;
  const stop = runSignal(ctx);
  try {
    const deps = sessionDeps(ctx, { actor, yes: Boolean(options.yes), signal: stop.signal });
    const result = await answerAlerts(
      payload,
      runbooks,
      {
        execute: Boolean(options.execute),
        rollback: options.rollback,
        lockTimeoutMs: lockTimeoutMs(options.lockTimeout),
      },
      deps,
    );
    if (format === 'table') renderAlertOutcomes(ctx.io, result);
    else writeOut(ctx.io, renderData(format, { status: payload.status, alerts: result.alerts, runs: result.runs }));
    for (const report of result.runs) {
      if (!report.runId) continue;
      await ctx.recordAction({
        kind: 'runbook.run',
        summary: `runbook ${report.runbook} run ${report.runId} ${report.status.replace('_', ' ')} (alert)`,
        ref: `runbook_runs:${report.runId}`,
        outcome:
          report.status === 'succeeded' ? 'succeeded' : report.status === 'interrupted' ? 'interrupted' : 'failed',
      });
    }
    throwIfAborted(stop.signal);
    const failed = result.alerts.some((a) => !['succeeded', 'no_runbook', 'same_run'].includes(a.status));
    if (failed) ctx.exitCode = ExitCode.Operational;
    else ctx.exitCode = exitCodeFor({ problem: result.alerts.some((a) => a.status === 'no_runbook') });
  } finally {
    stop.dispose();
  }
}
