import type { Command } from 'commander';
import { ExitCode, note, renderData, writeOut } from '../../cli-kit/index.js';
import { defaultActor } from '../../core/config/index.js';
import { answerAlerts, loadRunbooks, parseAlertPayload } from '../../core/runbook/index.js';
import { AUTO_INCIDENT, setActiveIncident, throwIfAborted, type CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { readInput } from '../input.js';
import { renderAlertOutcomes } from '../render/runbook.js';
import { addRunFlags, lockTimeoutMs, runbookDirs, sessionDeps, type RunFlags } from './shared.js';

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

/** --incident auto: the alert group's open incident, opened first when there is none; the run is recorded on it. */
async function fileOnIncident(ctx: CommandContext, payload: Parameters<typeof answerAlerts>[0], actor: string) {
  const { incidentFromAlert } = await import('../../core/incidents/index.js');
  const database = await ctx.systems.database();
  const outcome = await incidentFromAlert(database.pool, payload, { environment: ctx.config().envName, actor });
  if (!outcome.incident) return note(ctx.io, 'note: --incident auto: no open incident for these resolved alerts.');
  setActiveIncident(ctx, outcome.incident.ref);
  note(
    ctx.io,
    `${outcome.action === 'opened' ? 'opened' : 'recording on'} ${outcome.incident.ref}: ${outcome.incident.title}`,
  );
}

export async function forAlert(ctx: CommandContext, file: string, options: Options): Promise<void> {
  ctx.label = 'medicalcor runbook for-alert';
  const format = ctx.format(['table', 'json', 'yaml']);
  const { text, source } = await readInput(ctx, file);
  const payload = parseAlertPayload(text, source);
  const { runbooks, errors } = loadRunbooks(runbookDirs(ctx, options));
  for (const error of errors) note(ctx.io, `skipped invalid runbook: ${error.message.split('\n')[0]}`);
  const actor = options.actor ?? `alertmanager:${payload.receiver ?? 'webhook'} via ${defaultActor(ctx.streams.env)}`;
  if (ctx.activeIncident() === AUTO_INCIDENT) await fileOnIncident(ctx, payload, actor);
  const deps = sessionDeps(ctx, { actor, yes: Boolean(options.yes), signal: ctx.signal });
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
      outcome: report.status === 'succeeded' ? 'succeeded' : report.status === 'interrupted' ? 'interrupted' : 'failed',
    });
  }
  throwIfAborted(ctx.signal);
  const failed = result.alerts.some((a) => !['succeeded', 'no_runbook', 'same_run'].includes(a.status));
  if (failed) ctx.exitCode = ExitCode.Operational;
  else ctx.exitCode = exitCodeFor({ problem: result.alerts.some((a) => a.status === 'no_runbook') });
}
