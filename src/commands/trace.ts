import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ResolvedConfig } from '../core/config/index.js';
import {
  correlationIdProblem, listFailedJourneys, recordPiiAccess, traceJourney,
  type FailedJourneysReport, type Trace, type TriggerRuns,
} from '../core/journey/index.js';
import { defaultActor } from '../core/config/index.js';
import { CliError, displayPath, ExitCode, note, renderData, usageError, writeFileAtomically, writeOut } from '../cli-kit/index.js';
import { throwIfAborted, type CommandContext } from './context.js';
import { withDatabase } from './connections.js';
import { parseDurationOption, parseWholeNumber } from './options.js';
import { renderTraceHtml } from './render/trace-html.js';
import { failedToJson, traceToJson } from './render/trace-json.js';
import { renderFailedTable, renderTraceTable } from './render/trace-table.js';
import { renderTraceWaterfall } from './render/trace-waterfall.js';

interface TraceOptions {
  failed?: boolean;
  since?: string;
  view: string;
  html?: string;
  showPii?: boolean;
  reason?: string;
  timeout: string;
  limit: string;
}

/** Default look-back: for a trace, how far back Trigger.dev runs are listed; for --failed, the window. */
const TRACE_SINCE = '30d';
const FAILED_SINCE = '1h';

/** The Trigger.dev client for the environment, or why its runs are not read. Imported only when configured. */
async function triggerFor(config: ResolvedConfig): Promise<TriggerRuns | { skipped: string }> {
  if (!config.trigger) return { skipped: 'not configured; set MEDICALCOR_TRIGGER_URL (or trigger.url) and TRIGGER_SECRET_KEY' };
  if (!config.trigger.secretKey) return { skipped: 'no secret key; set TRIGGER_SECRET_KEY (or trigger.secretKey)' };
  const { TriggerClient } = await import('../core/trigger/client.js');
  return new TriggerClient({ baseUrl: config.trigger.url, secretKey: config.trigger.secretKey });
}

function traceExitCode(trace: Trace): number {
  // a partial picture is said first: the failure may be in the source that did not answer
  if (trace.partial) return ExitCode.Partial;
  if (trace.items.length === 0) return ExitCode.Operational;
  return trace.firstFailure ? ExitCode.Problem : ExitCode.Ok;
}

function failedExitCode(report: FailedJourneysReport): number {
  if (report.partial) return ExitCode.Partial;
  return report.journeys.length ? ExitCode.Problem : ExitCode.Ok;
}

async function runTrace(ctx: CommandContext, correlationId: string, options: TraceOptions): Promise<void> {
  const problem = correlationIdProblem(correlationId);
  if (problem) throw usageError(`"${correlationId.slice(0, 140)}" is not a correlation ID: ${problem}.`, 'Copy it from the log line or alert, e.g. medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11');
  const format = ctx.format(['table', 'json', 'yaml']);
  if (!['table', 'waterfall'].includes(options.view)) throw usageError(`--view "${options.view}" is not a view.`, 'Use --view table or --view waterfall (or -o json, or --html FILE).');
  const timeoutMs = parseDurationOption('--timeout', options.timeout);
  const sinceMs = parseDurationOption('--since', options.since ?? TRACE_SINCE);
  const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 100_000 });
  const htmlPath = options.html ? resolve(ctx.streams.cwd, options.html) : undefined;
  // the HTTP client loads while the database connects
  const triggerReady = triggerFor(ctx.config());
  triggerReady.catch(() => {}); // awaited below; not an unhandled rejection if the database fails first

  const trace = await withDatabase(ctx, 'trace', async (db) => {
    if (options.showPii) await recordReveal(ctx, db.pool, correlationId, options);
    return traceJourney(
      { pool: db.pool, trigger: await triggerReady, signal: ctx.signal, secrets: ctx.io.secrets },
      { correlationId, since: new Date(Date.now() - sinceMs), timeoutMs, limit, showPii: options.showPii },
    );
  });
  throwIfAborted(ctx.signal, 'Interrupted; nothing was written.');

  if (htmlPath) {
    // the report holds patient data (masked or not): only its owner may read it
    writeFileAtomically(htmlPath, renderTraceHtml(trace), { what: 'the HTML report', mode: 0o600 });
    note(ctx.io, `wrote the HTML report to ${displayPath(ctx.streams.cwd, htmlPath)}`);
  }
  if (format !== 'table') writeOut(ctx.io, renderData(format, traceToJson(trace)));
  else if (options.view === 'waterfall') renderTraceWaterfall(ctx.io, trace);
  else renderTraceTable(ctx.io, trace);

  for (const source of trace.sources) {
    if (source.state === 'failed' || source.state === 'timeout') note(ctx.io, `warning: ${source.source} ${source.state === 'timeout' ? 'timed out' : 'failed'}: ${source.reason}`);
  }
  if (trace.items.length === 0 && !trace.partial) {
    note(ctx.io, `nothing matched correlation ID ${correlationId} (tables: all time; Trigger.dev runs created since ${trace.searched.triggerRunsFrom.toISOString()}${trace.sources.find((s) => s.source === 'trigger_runs')?.state === 'skipped' ? ', but Trigger.dev was skipped' : ''}).`);
  }
  ctx.exitCode = traceExitCode(trace);
}

async function recordReveal(ctx: CommandContext, pool: Parameters<typeof recordPiiAccess>[0], correlationId: string | undefined, options: TraceOptions): Promise<void> {
  const actor = defaultActor(ctx.streams.env);
  const command = ['medicalcor trace', correlationId ?? '--failed', '--show-pii', options.reason ? `--reason ${JSON.stringify(options.reason)}` : ''].filter(Boolean).join(' ');
  try {
    await recordPiiAccess(pool, { actor, correlationId, reason: options.reason ?? 'not given', command });
  } catch (error) {
    throw new CliError(`cannot record the PII access in pii_access_log, so nothing is revealed: ${(error as Error).message}`, ExitCode.Operational, 'Run "medicalcor migrate up" if the table is missing, or run without --show-pii.');
  }
  note(ctx.io, `PII shown: recorded in pii_access_log as ${actor}${correlationId ? ` for ${correlationId}` : ''}.`);
}

async function runFailed(ctx: CommandContext, options: TraceOptions): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (options.html) throw usageError('--html is for one journey\'s trace, not the --failed list.');
  if (options.view !== 'table') throw usageError('--view is for one journey\'s trace, not the --failed list.');
  const timeoutMs = parseDurationOption('--timeout', options.timeout);
  const sinceMs = parseDurationOption('--since', options.since ?? FAILED_SINCE);
  const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 100_000 });
  const triggerReady = triggerFor(ctx.config());
  triggerReady.catch(() => {}); // awaited below; not an unhandled rejection if the database fails first
  const report = await withDatabase(ctx, 'trace --failed', async (db) => {
    if (options.showPii) await recordReveal(ctx, db.pool, undefined, options);
    return listFailedJourneys(
      { pool: db.pool, trigger: await triggerReady, signal: ctx.signal, secrets: ctx.io.secrets },
      { since: new Date(Date.now() - sinceMs), timeoutMs, limit, showPii: options.showPii },
    );
  });
  throwIfAborted(ctx.signal);
  if (format !== 'table') writeOut(ctx.io, renderData(format, failedToJson(report)));
  else renderFailedTable(ctx.io, report);
  for (const source of report.sources) {
    if (source.state === 'failed' || source.state === 'timeout') note(ctx.io, `warning: ${source.source} ${source.state === 'timeout' ? 'timed out' : 'failed'}: ${source.reason}`);
  }
  ctx.exitCode = failedExitCode(report);
}

export function register(program: Command, context: () => CommandContext): void {
  program
    .command('trace')
    .description('one timeline of a patient journey: domain events, sagas, dead letters, integration logs, LLM usage and Trigger.dev runs, PII masked')
    .argument('[correlation-id]', 'the journey\'s correlation ID')
    .option('--failed', 'list the correlation IDs whose journeys failed in the --since window, newest first')
    .option('--since <duration>', `--failed: the window (default ${FAILED_SINCE}); a trace: how far back Trigger.dev runs are listed (default ${TRACE_SINCE})`)
    .addOption(program.createOption('--view <view>', 'table or waterfall').default('table'))
    .option('--html <file>', 'also write a self-contained HTML report of the trace to FILE')
    .option('--show-pii', 'show phone numbers, e-mails and names unmasked (recorded in pii_access_log)')
    .option('--reason <text>', 'why PII is revealed (recorded with --show-pii), e.g. an incident number')
    .addOption(program.createOption('--timeout <duration>', 'how long each source may take').default('5s'))
    .addOption(program.createOption('--limit <n>', 'most items read from each source').default('1000'))
    .addHelpText('after', `
Examples:
  medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11
  medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11 --view waterfall --html incident-4711.html
  medicalcor trace --failed --since 1h -o json

Exit codes: 0 no failure in the journey, 3 the journey failed (--failed: some journey failed),
4 a source failed or timed out (the rest is shown), 1 nothing matched, 2 bad arguments.`)
    .action(async (correlationId: string | undefined, options: TraceOptions) => {
      const ctx = context();
      if (options.reason && !options.showPii) throw usageError('--reason goes with --show-pii.');
      if (options.failed) {
        if (correlationId) throw usageError('Give either a correlation ID or --failed, not both.');
        return runFailed(ctx, options);
      }
      if (correlationId === undefined) throw usageError('Which journey? Give a correlation ID, or --failed to list failed journeys.', 'For example: medicalcor trace --failed --since 1h');
      return runTrace(ctx, correlationId, options);
    });
}
