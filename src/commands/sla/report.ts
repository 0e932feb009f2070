import { resolve } from 'node:path';
import type { Command } from 'commander';
import { note, renderData, startSpinner, usageError, writeFileAtomically, writeOut } from '../../cli-kit/index.js';
import {
  buildSlaReport,
  humanDuration,
  parseDurationSeconds,
  promqlDuration,
  recordBreaches,
  selectSlas,
} from '../../core/sla/index.js';
import { throwIfAborted, type CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderReportHtml, renderReportMarkdown } from '../render/sla.js';
import { catalogueFor, prometheusOptions, timeOption, type PrometheusOptions } from './shared.js';
import { typedValue } from '../../core/mask/index.js';

export interface Options extends PrometheusOptions {
  from: string;
  to: string;
  format: 'markdown' | 'html';
  step?: string;
  out?: string;
  record?: boolean;
}

export function registerReport(sla: Command, context: () => CommandContext): void {
  const report = sla
    .command('report')
    .description('compliance, breach periods and the error budget over a period, as Markdown or HTML');
  prometheusOptions(report)
    .requiredOption('--from <time>', 'start of the period (ISO 8601, date, now-30d)')
    .option('--to <time>', 'end of the period', 'now')
    .addOption(
      report.createOption('--format <format>', 'document format').choices(['markdown', 'html']).default('markdown'),
    )
    .option(
      '--step <duration>',
      'granularity of the breach-period search: the SLI is evaluated over each step ' +
        '(default: period/720, at least 1m)',
    )
    .option('--out <file>', 'write the document to this file instead of stdout')
    .option('--record', 'also store the breach periods in the sla_breaches table (merged with what is there)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sla report --from now-30d
  medicalcor sla report --from 2026-11-01 --to 2026-12-01 --format html --out sla-november.html
  medicalcor sla report --from now-1d --step 5m --record

In short: 0 every SLA compliant, 3 an SLA was not met over the period, 4 Prometheus could not be
read for some SLA (3 wins when both apply), 2 bad arguments.`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor sla report';
      const output = ctx.format(['table', 'json', 'yaml']);
      const now = new Date();
      const from = timeOption(options.from, '--from', now)!;
      const to = timeOption(options.to, '--to', now)!;
      if (to.getTime() - from.getTime() < 60_000) {
        throw usageError(`--from (${from.toISOString()}) must be at least a minute before --to (${to.toISOString()}).`);
      }
      const stepSeconds = options.step === undefined ? undefined : parseDurationSeconds(options.step);
      if (options.step !== undefined && !(stepSeconds && stepSeconds >= 1)) {
        throw usageError(`--step ${typedValue(options.step)} is not a duration.`, 'Write it as 5m, 1h or 1d.');
      }
      const points = (to.getTime() - from.getTime()) / 1000 / (stepSeconds ?? 60);
      // Prometheus refuses a range query of more than 11,000 points per series
      if (stepSeconds !== undefined && points > 11_000) {
        const least = promqlDuration(Math.ceil((to.getTime() - from.getTime()) / 1000 / 11_000 / 60) * 60);
        throw usageError(
          `--step ${options.step} gives ${Math.ceil(points)} points over the period; Prometheus answers at most ` +
            '11,000.',
          `Use a step of at least ${least}, or leave --step out.`,
        );
      }
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const prometheus = await ctx.systems.prometheus(options.prometheusUrl);
      const spinner = await startSpinner(ctx.io, `building the report from ${prometheus.url}`);
      const result = await buildSlaReport(slas, { from, to, stepSeconds }, { prometheus, signal: ctx.signal })
        .catch((error) => {
          throwIfAborted(ctx.signal);
          throw error;
        })
        .finally(() => spinner.stop());
      const document =
        output !== 'table'
          ? renderData(output, result)
          : options.format === 'html'
            ? renderReportHtml(result)
            : renderReportMarkdown(result);
      if (options.out) {
        const path = resolve(ctx.streams.cwd, options.out);
        writeFileAtomically(path, document, { what: 'the report' });
        const breached = result.slas.filter((s) => s.compliant === false).length;
        const periods = result.slas.reduce((n, s) => n + s.breaches.length, 0);
        const span = humanDuration((to.getTime() - from.getTime()) / 1000);
        note(
          ctx.io,
          `wrote ${path}: ${result.slas.length} SLAs, ${breached} not met, ${periods} breach period(s) over ${span}`,
        );
      } else {
        writeOut(ctx.io, document);
      }
      if (options.record) {
        const db = await ctx.systems.database();
        const recorded = await recordBreaches(db.pool, result, {
          endsNow: Math.abs(now.getTime() - to.getTime()) < 60_000,
        });
        note(
          ctx.io,
          `sla_breaches: ${recorded.inserted} breach period(s) added, ${recorded.updated} merged into existing rows`,
        );
        await ctx.recordAction({
          kind: 'sla.record',
          summary: `sla report --record: ${recorded.inserted} breach period(s) added, ${recorded.updated} merged`,
          ref: 'sla_breaches',
          outcome: 'succeeded',
        });
      }
      if (result.partial) note(ctx.io, `warning: partial report: ${result.errors.join('; ')}`);
      ctx.exitCode = exitCodeFor({ problem: result.slas.some((s) => s.compliant === false), partial: result.partial });
    });
}
