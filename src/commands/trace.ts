import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ReadRoute } from '../core/db/index.js';
import {
  correlationIdProblem,
  listFailedJourneys,
  recordPiiAccess,
  traceJourney,
  type JourneyDatabase,
  type SourceReport,
  type Trace,
  type TriggerRuns,
} from '../core/journey/index.js';
import { defaultActor } from '../core/config/index.js';
import { typedValue } from '../core/mask/index.js';
import { maskUrl } from '../core/redact.js';
import {
  CliError,
  displayPath,
  ExitCode,
  note,
  renderData,
  usageError,
  writeFileAtomically,
  writeOut,
} from '../cli-kit/index.js';
import { throwIfAborted, type CommandContext } from './context.js';
import { exitCodeFor } from './errors.js';
import { parseDurationOption, parseWholeNumber } from './options.js';
import { renderTraceHtml } from './render/trace-html.js';
import { failedToJson, traceToJson } from './render/trace-json.js';
import { renderFailedTable, renderTraceTable } from './render/trace-table.js';
import { renderTraceWaterfall } from './render/trace-waterfall.js';

/** The options as commander hands them over (strings), before parsing. */
interface TraceFlags {
  failed?: boolean;
  since?: string;
  view: string;
  html?: string;
  showPii?: boolean;
  reason?: string;
  timeout: string;
  limit: string;
}

/** `medicalcor trace ID` and `trace --failed`, parsed. */
interface TraceOptions {
  correlationId?: string;
  format: 'table' | 'json' | 'yaml';
  view: 'table' | 'waterfall';
  htmlPath?: string;
  /** the reason the operator gave for revealing PII; undefined: PII stays masked */
  revealReason?: string;
  timeoutMs: number;
  since: Date;
  limit: number;
}

/** Default look-back: for a trace, how far back Trigger.dev runs are listed; for --failed, the window. */
const TRACE_SINCE = '30d';
const FAILED_SINCE = '1h';
/** the database sources read in parallel: one pooled connection each */
const DATABASE_SOURCES = 5;

function parseOptions(ctx: CommandContext, correlationId: string | undefined, flags: TraceFlags): TraceOptions {
  if (flags.reason !== undefined && !flags.showPii) throw usageError('--reason goes with --show-pii.');
  if (flags.showPii && !flags.reason?.trim()) {
    throw usageError(
      '--show-pii needs --reason: every reveal of patient data is recorded with why.',
      'For example: --show-pii --reason INC-4711',
    );
  }
  if (flags.failed && correlationId) throw usageError('Give either a correlation ID or --failed, not both.');
  if (!flags.failed) {
    if (correlationId === undefined)
      throw usageError(
        'Which journey? Give a correlation ID, or --failed to list failed journeys.',
        'For example: medicalcor trace --failed --since 1h',
      );
    const problem = correlationIdProblem(correlationId);
    if (problem)
      throw usageError(
        `${typedValue(correlationId.slice(0, 140))} is not a correlation ID: ${problem}.`,
        'Copy it from the log line or alert, e.g. medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11',
      );
  } else {
    if (flags.html) throw usageError("--html is for one journey's trace, not the --failed list.");
    if (flags.view !== 'table') throw usageError("--view is for one journey's trace, not the --failed list.");
  }
  const format = ctx.format(['table', 'json', 'yaml']) as TraceOptions['format'];
  if (flags.view !== 'table' && flags.view !== 'waterfall')
    throw usageError(
      `--view ${typedValue(flags.view)} is not a view.`,
      'Use --view table or --view waterfall (or -o json, or --html FILE).',
    );
  const sinceMs = parseDurationOption('--since', flags.since ?? (flags.failed ? FAILED_SINCE : TRACE_SINCE));
  return {
    correlationId,
    format,
    view: flags.view,
    htmlPath: flags.html ? resolve(ctx.streams.cwd, flags.html) : undefined,
    revealReason: flags.showPii ? flags.reason!.trim() : undefined,
    timeoutMs: parseDurationOption('--timeout', flags.timeout),
    since: new Date(Date.now() - sinceMs),
    limit: parseWholeNumber('--limit', flags.limit, { min: 1, max: 100_000 }),
  };
}

/**
 * The journey tables' pool (replica or primary), or why it cannot be reached: its sources then fail,
 * the rest is shown.
 */
async function journeyDatabase(
  ctx: CommandContext,
  options: TraceOptions,
): Promise<{ database: JourneyDatabase; route?: ReadRoute }> {
  try {
    const read = await ctx.systems.readDatabase({
      connections: DATABASE_SOURCES,
      statementTimeoutMs: options.timeoutMs,
    });
    if (
      read.route.reason !== 'no read replica configured' &&
      read.route.target === 'primary' &&
      read.route.reason !== 'embedded database'
    ) {
      note(ctx.io, `warning: ${read.route.reason}`);
    }
    return { database: { pool: read.pool }, route: read.route };
  } catch (error) {
    return { database: { unavailable: maskUrl((error as Error).message ?? String(error)) } };
  }
}

/**
 * The journey database, opened once the Trigger.dev request is on its way. Its answer is the
 * slowest part of a trace, and loading pg takes longer than sending it: the caller starts the
 * trace (which sends the request at once) before this gets past its first turn of the event loop,
 * in which the request's socket connects and writes it.
 */
async function openAfterTrigger(
  ctx: CommandContext,
  options: TraceOptions,
): Promise<{ database: JourneyDatabase; route?: ReadRoute }> {
  await new Promise((resolve) => setImmediate(resolve));
  // pg and the database module load here, after the request has gone out
  await import('../core/db/index.js');
  return journeyDatabase(ctx, options);
}

/** Records the reveal in pii_access_log on the PRIMARY before anything is shown; no row, no reveal. */
async function recordReveal(ctx: CommandContext, options: TraceOptions): Promise<void> {
  const reason = options.revealReason!;
  const actor = defaultActor(ctx.streams.env);
  const what = options.correlationId ?? '--failed';
  const command = `medicalcor trace ${what} --show-pii --reason ${JSON.stringify(reason)}`;
  let id: number;
  try {
    const primary = await ctx.systems.database();
    ({ id } = await recordPiiAccess(primary.pool, { actor, correlationId: options.correlationId, reason, command }));
  } catch (error) {
    throw new CliError(
      `cannot record the PII access in pii_access_log, so nothing is revealed: ${(error as Error).message}`,
      ExitCode.Operational,
      'Run "medicalcor migrate up" if the table is missing, or run without --show-pii.',
    );
  }
  await ctx.recordAction({
    kind: 'pii.reveal',
    summary: `patient data revealed for ${what} by ${actor}`,
    ref: `pii_access_log #${id}`,
    outcome: 'succeeded',
  });
  note(
    ctx.io,
    `PII shown: recorded in pii_access_log as ${actor}${options.correlationId ? ` for ${options.correlationId}` : ''}.`,
  );
}

function warnUnreadSources(ctx: CommandContext, sources: readonly SourceReport[]): void {
  for (const source of sources) {
    if (source.state === 'failed' || source.state === 'timeout')
      note(
        ctx.io,
        `warning: ${source.source} ${source.state === 'timeout' ? 'timed out' : 'failed'}: ${source.reason}`,
      );
  }
}

function routeLine(route: ReadRoute | undefined): string | undefined {
  if (!route || route.reason === 'no read replica configured' || route.reason === 'embedded database') return undefined;
  return `Tables read from the ${route.target}: ${route.reason}.`;
}

async function runTrace(ctx: CommandContext, options: TraceOptions): Promise<void> {
  const correlationId = options.correlationId!;
  // nothing is read before a reveal is recorded
  if (options.revealReason) await recordReveal(ctx, options);
  const trigger = (await ctx.systems.trigger()) as TriggerRuns | { skipped: string };
  const opened = openAfterTrigger(ctx, options);
  const trace: Trace = await traceJourney(
    { database: opened.then((o) => o.database), trigger, signal: ctx.signal, secrets: ctx.io.secrets },
    {
      correlationId,
      since: options.since,
      timeoutMs: options.timeoutMs,
      limit: options.limit,
      showPii: Boolean(options.revealReason),
    },
  );
  throwIfAborted(ctx.signal, 'Interrupted; nothing was written.');
  const { route } = await opened;
  // the journeys looked at during an incident belong on its timeline (no patient data: the ID and verdict)
  await ctx.recordAction({
    kind: 'trace.view',
    summary:
      `journey ${correlationId} looked at: ${trace.verdict.failed ? 'failed' : 'no failure'}` +
      (trace.partial ? ' (partial)' : ''),
    ref: `trace ${correlationId}`,
  });

  if (options.htmlPath) {
    // the report holds patient data (masked or not): only its owner may read it
    writeFileAtomically(options.htmlPath, renderTraceHtml(trace), { what: 'the HTML report', mode: 0o600 });
    await ctx.recordAction({
      kind: 'trace.report',
      summary: `HTML report of journey ${correlationId}`,
      ref: options.htmlPath,
      outcome: 'succeeded',
    });
    note(ctx.io, `wrote the HTML report to ${displayPath(ctx.streams.cwd, options.htmlPath)}`);
  }
  if (options.format !== 'table') writeOut(ctx.io, renderData(options.format, traceToJson(trace, route)));
  else {
    if (options.view === 'waterfall') renderTraceWaterfall(ctx.io, trace);
    else renderTraceTable(ctx.io, trace);
    const line = routeLine(route);
    if (line) writeOut(ctx.io, line);
  }
  warnUnreadSources(ctx, trace.sources);
  const nothing = trace.items.length === 0 && !trace.partial && !trace.verdict.failed;
  if (nothing) {
    const skipped = trace.sources.find((s) => s.source === 'trigger_runs')?.state === 'skipped';
    note(
      ctx.io,
      `nothing matched correlation ID ${correlationId} (tables: all time; Trigger.dev runs created since ` +
        `${trace.searched.triggerRunsFrom.toISOString()}${skipped ? ', but Trigger.dev was skipped' : ''}).`,
    );
  }
  ctx.exitCode = nothing
    ? ExitCode.Operational
    : exitCodeFor({ problem: trace.verdict.failed, partial: trace.partial });
}

async function runFailed(ctx: CommandContext, options: TraceOptions): Promise<void> {
  if (options.revealReason) await recordReveal(ctx, options);
  const trigger = (await ctx.systems.trigger()) as TriggerRuns | { skipped: string };
  const opened = openAfterTrigger(ctx, options);
  const report = await listFailedJourneys(
    { database: opened.then((o) => o.database), trigger, signal: ctx.signal, secrets: ctx.io.secrets },
    {
      since: options.since,
      timeoutMs: options.timeoutMs,
      limit: options.limit,
      showPii: Boolean(options.revealReason),
    },
  );
  throwIfAborted(ctx.signal);
  const { route } = await opened;
  if (options.format !== 'table') writeOut(ctx.io, renderData(options.format, failedToJson(report, route)));
  else {
    renderFailedTable(ctx.io, report);
    const line = routeLine(route);
    if (line) writeOut(ctx.io, line);
  }
  warnUnreadSources(ctx, report.sources);
  ctx.exitCode = exitCodeFor({ problem: report.journeys.length > 0, partial: report.partial });
}

export function register(program: Command, context: () => CommandContext): void {
  program
    .command('trace')
    .description(
      'one timeline of a patient journey: domain events, sagas, dead letters, integration logs, LLM usage and ' +
        'Trigger.dev runs, PII masked',
    )
    .argument('[correlation-id]', "the journey's correlation ID")
    .option('--failed', 'list the correlation IDs whose journeys failed in the --since window, newest first')
    .option(
      '--since <duration>',
      `--failed: the window (default ${FAILED_SINCE}); ` +
        `a trace: how far back Trigger.dev runs are listed (default ${TRACE_SINCE})`,
    )
    .addOption(program.createOption('--view <view>', 'table or waterfall').default('table'))
    .option('--html <file>', 'also write a self-contained HTML report of the trace to FILE')
    .option('--show-pii', 'show phone numbers, e-mails and names unmasked (needs --reason; recorded in pii_access_log)')
    .option('--reason <text>', 'why PII is revealed (required with --show-pii), e.g. an incident number')
    .addOption(program.createOption('--timeout <duration>', 'how long each source may take').default('5s'))
    .addOption(
      program
        .createOption('--limit <n>', 'most items shown from each source (the verdict covers the whole journey)')
        .default('1000'),
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11
  medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11 --view waterfall --html incident-4711.html
  medicalcor trace 0b6f2c1e-8d7a-4c55-9a53-2f1f0c8e4d11 --show-pii --reason INC-4711
  medicalcor trace --failed --since 1h -o json

In short: 0 no failure in the journey, 3 the journey failed anywhere (--failed: some journey failed),
4 a source failed or timed out (the rest is shown), 1 nothing matched, 2 bad arguments.`,
    )
    .action(async (correlationId: string | undefined, flags: TraceFlags) => {
      const ctx = context();
      ctx.label = flags.failed ? 'medicalcor trace --failed' : 'medicalcor trace';
      const options = parseOptions(ctx, correlationId, flags);
      return options.correlationId === undefined ? runFailed(ctx, options) : runTrace(ctx, options);
    });
}
