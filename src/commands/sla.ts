import { resolve } from 'node:path';
import type { Command } from 'commander';
import { chalkFor, ExitCode, note, renderData, renderTable, startSpinner, usageError, writeFileAtomically, writeOut } from '../cli-kit/index.js';
import { createPrometheusClient } from '../core/prometheus/index.js';
import {
  BURN_WINDOW_PAIRS, buildSlaReport, catalogueFileFor, describeExhaustion, describeObjective, evaluateSlas, formatRate, formatShare, formatValue, humanDuration, loadCatalogue,
  parseDurationSeconds, parseTimePoint, promqlDuration, recordBreaches, renderReportHtml, renderReportMarkdown, selectSlas,
  type SlaCatalogue, type SlaEvaluation, type SlaStatusReport,
} from '../core/sla/index.js';
import { throwIfAborted, type CommandContext } from './context.js';
import { withDatabase } from './connections.js';
import { collectList } from './options.js';

interface CommonOptions {
  catalog?: string;
  sla?: string[];
  prometheusUrl?: string;
}

function catalogueFor(ctx: CommandContext, options: CommonOptions): SlaCatalogue {
  const file = options.catalog ? resolve(ctx.streams.cwd, options.catalog) : catalogueFileFor(ctx.config());
  return loadCatalogue(file);
}

function prometheusFor(ctx: CommandContext, options: CommonOptions) {
  const url = options.prometheusUrl ?? ctx.config().prometheusUrl;
  if (!url) {
    throw usageError(`No Prometheus is configured for environment "${ctx.config().envName}".`, 'Set MEDICALCOR_PROMETHEUS_URL, prometheusUrl in medicalcor.config.yaml, or pass --prometheus-url.');
  }
  try {
    new URL(url);
  } catch {
    throw usageError(`Prometheus URL "${url}" is not a URL.`, 'Write it as http(s)://host:port.');
  }
  return createPrometheusClient(url);
}

function timeOption(text: string | undefined, name: string, now: Date): Date | undefined {
  if (text === undefined) return undefined;
  const at = parseTimePoint(text, now);
  if (!at) throw usageError(`${name} "${text}" is not a time.`, 'Use an ISO 8601 time (2025-03-01T12:00:00Z), a date (2025-03-01), "now" or "now-7d".');
  return at;
}

function statusCell(status: SlaEvaluation['status']): string {
  return status === 'no_data' ? 'no data' : status;
}

function renderStatus(ctx: CommandContext, report: SlaStatusReport, showQueries: boolean): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') return writeOut(ctx.io, renderData(format, report));
  const chalk = chalkFor(ctx.io);
  const paint = (t: string) => (t === 'met' ? chalk.green(t) : t === 'warning' ? chalk.yellow(t) : t === 'breached' ? chalk.red.bold(t) : chalk.dim(t));
  const burn = (s: SlaEvaluation, i: number) => {
    const b = s.burnRates[i]!;
    return `${formatRate(b.longRate)}/${formatRate(b.shortRate)}${b.firing ? ' !' : ''}`;
  };
  writeOut(ctx.io, renderTable(report.slas, [
    { header: 'SLA', value: (s) => s.id },
    { header: 'STATUS', value: (s) => statusCell(s.status), style: paint },
    { header: 'VALUE', value: (s) => formatValue(s.value, s.unit) },
    { header: 'OBJECTIVE', value: (s) => describeObjective(s) },
    { header: 'WINDOW', value: (s) => s.window.label },
    { header: 'BUDGET LEFT', value: (s) => formatShare(s.errorBudget.remaining), style: (t, s) => ((s.errorBudget.remaining ?? 1) <= 0 ? chalk.red(t) : t) },
    ...BURN_WINDOW_PAIRS.map((p, i) => ({ header: `BURN ${p.long}/${p.short}`, value: (s: SlaEvaluation) => burn(s, i), style: (t: string) => (t.endsWith('!') ? chalk.red(t) : t) })),
    { header: 'EXHAUSTED IN', value: (s) => (s.errorBudget.remaining === null ? '–' : describeExhaustion(s.timeToExhaustion.seconds ?? undefined)) },
  ], ctx.io.color));
  const s = report.summary;
  writeOut(ctx.io, `\n${report.slas.length} SLAs at ${report.evaluatedAt.toISOString()}: ${s.met} met, ${s.warning} warning, ${s.breached} breached${s.no_data ? `, ${s.no_data} without data` : ''}${s.unknown ? `, ${s.unknown} unknown` : ''}.`);
  // the factors depend on the window's length, so they are listed per window
  const factors = new Map(report.slas.map((sla) => [sla.window.label, sla.burnRates.map((b) => formatRate(b.factor)).join(', ')]));
  writeOut(ctx.io, `Burn rates: long/short window; "!" = both above the pair's factor, the alert fires (factors ${[...factors].map(([w, f]) => `${w}: ${f}`).join('; ')}).`);
  for (const sla of report.slas) {
    for (const b of sla.burnRates.filter((r) => r.firing)) {
      writeOut(ctx.io, chalk.red(`${b.severity}: ${sla.id} burns its budget ${formatRate(b.longRate)}× over ${b.long} and ${formatRate(b.shortRate)}× over ${b.short} (factor ${formatRate(b.factor)}: ${formatShare(b.budgetSpent)} of the budget per ${b.long}).`));
    }
  }
  for (const error of report.errors) writeOut(ctx.io, chalk.yellow(`could not compute: ${error}`));
  writeOut(ctx.io, '\nPromQL evaluated (value; -o json lists the error-ratio and burn-rate queries too):');
  for (const sla of report.slas) {
    writeOut(ctx.io, `  ${sla.id}: ${sla.queries.value}`);
    if (showQueries) {
      writeOut(ctx.io, `    error ratio: ${sla.queries.errorRatio}`);
      for (const [w, q] of Object.entries(sla.queries.burn)) writeOut(ctx.io, `    burn ${w}: ${q}`);
    }
  }
}

const catalogueOptions = (command: Command) =>
  command
    .option('--catalog <file>', 'SLA catalogue (default: slaCatalog in the config, else the shipped platform catalogue)')
    .option('--sla <id>', 'only this SLA (repeat, or comma-separate)', collectList);

const commonOptions = (command: Command) =>
  catalogueOptions(command).option('--prometheus-url <url>', 'Prometheus base URL (default: MEDICALCOR_PROMETHEUS_URL or prometheusUrl)');

export function register(program: Command, context: () => CommandContext): void {
  const sla = program.command('sla').description('SLA status with error budgets and multiwindow burn rates; period reports (Prometheus)');

  catalogueOptions(sla.command('list').description('list the SLA catalogue (validates it; no Prometheus needed)')).action((options: CommonOptions) => {
    const ctx = context();
    const format = ctx.format(['table', 'json', 'yaml']);
    const catalogue = catalogueFor(ctx, options);
    const slas = selectSlas(catalogue, options.sla);
    if (format !== 'table') return writeOut(ctx.io, renderData(format, { file: catalogue.file, slas }));
    writeOut(ctx.io, renderTable(slas, [
      { header: 'SLA', value: (s) => s.id },
      { header: 'NAME', value: (s) => s.name },
      { header: 'OBJECTIVE', value: (s) => describeObjective(s) },
      { header: 'WARNING', value: (s) => formatValue(s.thresholds.warning, s.unit) },
      { header: 'BREACH', value: (s) => formatValue(s.thresholds.breach, s.unit) },
      { header: 'WINDOW', value: (s) => s.window },
      { header: 'BUDGET', value: (s) => formatShare(s.errorBudget) },
    ], ctx.io.color));
    writeOut(ctx.io, `\n${slas.length} SLA(s) from ${catalogue.file}`);
  });

  commonOptions(sla.command('status').description('each SLA now: value, met/warning/breached, budget left, burn rates, time to exhaustion (exit 3 if one is breached, 4 if Prometheus could not be read)'))
    .option('--at <time>', 'evaluate as of this time instead of now (ISO 8601, date, now-1h)')
    .option('--queries', 'also print the error-ratio and burn-rate PromQL of each SLA')
    .action(async (options: CommonOptions & { at?: string; queries?: boolean }) => {
      const ctx = context();
      ctx.format(['table', 'json', 'yaml']);
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const at = timeOption(options.at, '--at', new Date()) ?? new Date();
      const prometheus = prometheusFor(ctx, options);
      const spinner = await startSpinner(ctx.io, `evaluating ${slas.length} SLAs against ${prometheus.url}`);
      let report: SlaStatusReport;
      try {
        report = await evaluateSlas(slas, at, { prometheus, signal: ctx.signal });
      } catch (error) {
        throwIfAborted(ctx.signal);
        throw error;
      } finally {
        spinner.stop();
      }
      renderStatus(ctx, report, Boolean(options.queries));
      if (report.partial) note(ctx.io, `warning: partial result: ${report.errors.join('; ')}`);
      ctx.exitCode = report.summary.breached > 0 ? ExitCode.Problem : report.partial ? ExitCode.Partial : ExitCode.Ok;
    });

  commonOptions(sla.command('report').description('compliance and breach periods over a period, as Markdown or HTML (exit 3 if an SLA was not met, 4 if Prometheus could not be read)'))
    .requiredOption('--from <time>', 'start of the period (ISO 8601, date, now-30d)')
    .option('--to <time>', 'end of the period', 'now')
    .addOption(program.createOption('--format <format>', 'document format').choices(['markdown', 'html']).default('markdown'))
    .option('--step <duration>', 'granularity of the breach-period search: the SLI is evaluated over each step (default: period/720, at least 1m)')
    .option('--out <file>', 'write the document to this file instead of stdout')
    .option('--record', 'also store the breach periods in the sla_breaches table (merged with what is there)')
    .action(async (options: CommonOptions & { from: string; to: string; format: 'markdown' | 'html'; step?: string; out?: string; record?: boolean }) => {
      const ctx = context();
      const output = ctx.format(['table', 'json', 'yaml']);
      const now = new Date();
      const from = timeOption(options.from, '--from', now)!;
      const to = timeOption(options.to, '--to', now)!;
      if (to.getTime() - from.getTime() < 60_000) throw usageError(`--from (${from.toISOString()}) must be at least a minute before --to (${to.toISOString()}).`);
      const stepSeconds = options.step === undefined ? undefined : parseDurationSeconds(options.step);
      if (options.step !== undefined && !(stepSeconds && stepSeconds >= 1)) throw usageError(`--step "${options.step}" is not a duration.`, 'Write it as 5m, 1h or 1d.');
      const points = (to.getTime() - from.getTime()) / 1000 / (stepSeconds ?? 60);
      // Prometheus refuses a range query of more than 11,000 points per series
      if (stepSeconds !== undefined && points > 11_000) throw usageError(`--step ${options.step} gives ${Math.ceil(points)} points over the period; Prometheus answers at most 11,000.`, `Use a step of at least ${promqlDuration(Math.ceil((to.getTime() - from.getTime()) / 1000 / 11_000 / 60) * 60)}, or leave --step out.`);
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const prometheus = prometheusFor(ctx, options);
      const spinner = await startSpinner(ctx.io, `building the report from ${prometheus.url}`);
      const report = await buildSlaReport(slas, { from, to, stepSeconds }, { prometheus, signal: ctx.signal })
        .catch((error) => {
          throwIfAborted(ctx.signal);
          throw error;
        })
        .finally(() => spinner.stop());
      const document = output !== 'table' ? renderData(output, report) : options.format === 'html' ? renderReportHtml(report) : renderReportMarkdown(report);
      if (options.out) {
        const path = resolve(ctx.streams.cwd, options.out);
        writeFileAtomically(path, document, { what: 'the report' });
        const breached = report.slas.filter((s) => s.compliant === false).length;
        note(ctx.io, `wrote ${path}: ${report.slas.length} SLAs, ${breached} not met, ${report.slas.reduce((n, s) => n + s.breaches.length, 0)} breach period(s) over ${humanDuration((to.getTime() - from.getTime()) / 1000)}`);
      } else {
        writeOut(ctx.io, document);
      }
      if (options.record) {
        const recorded = await withDatabase(ctx, 'sla report', (db) => recordBreaches(db.pool, report, { endsNow: Math.abs(now.getTime() - to.getTime()) < 60_000 }));
        note(ctx.io, `sla_breaches: ${recorded.inserted} breach period(s) added, ${recorded.updated} merged into existing rows`);
      }
      if (report.partial) note(ctx.io, `warning: partial report: ${report.errors.join('; ')}`);
      ctx.exitCode = report.slas.some((s) => s.compliant === false) ? ExitCode.Problem : report.partial ? ExitCode.Partial : ExitCode.Ok;
    });
}
