import type { Command } from 'commander';
import { note, renderData, startSpinner, writeOut } from '../../cli-kit/index.js';
import { evaluateSlas, selectSlas, type SlaStatusReport } from '../../core/sla/index.js';
import { throwIfAborted, type CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderSlaStatus } from '../render/sla.js';
import { catalogueFor, prometheusOptions, timeOption, type PrometheusOptions } from './shared.js';

export interface Options extends PrometheusOptions {
  at?: string;
  queries?: boolean;
}

export function registerStatus(sla: Command, context: () => CommandContext): void {
  const status = sla
    .command('status')
    .description('each SLA now: value, met/warning/breached/stale, budget left, burn rates, exhaustion');
  prometheusOptions(status)
    .option('--at <time>', 'evaluate as of this time instead of now (ISO 8601, date, now-1h)')
    .option('--queries', 'also print the error-ratio, burn-rate and freshness PromQL of each SLA')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sla status
  medicalcor sla status --sla api-availability,api-error-rate --at now-1h
  medicalcor sla status -o json | jq '.slas[] | select(.status != "met")'

In short: 0 all met or warning, 3 an SLA is breached, 4 an SLA is stale (no sample for its staleAfter)
or Prometheus could not be read (3 wins when both apply), 2 bad catalogue or arguments.`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor sla status';
      const format = ctx.format(['table', 'json', 'yaml']);
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const at = timeOption(options.at, '--at', new Date()) ?? new Date();
      const prometheus = await ctx.systems.prometheus(options.prometheusUrl);
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
      const text =
        format === 'table' ? renderSlaStatus(ctx.io, report, Boolean(options.queries)) : renderData(format, report);
      writeOut(ctx.io, text);
      const stale = report.slas.filter((s) => s.status === 'stale').map((s) => s.id);
      const reasons = [...(stale.length ? [`stale: ${stale.join(', ')}`] : []), ...report.errors];
      if (report.partial) note(ctx.io, `warning: partial result: ${reasons.join('; ')}`);
      ctx.exitCode = exitCodeFor({ problem: report.summary.breached > 0, partial: report.partial });
    });
}
