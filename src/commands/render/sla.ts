import { chalkFor, escapeHtml, renderTable, type Io } from '../../cli-kit/index.js';
import {
  BURN_WINDOW_PAIRS,
  describeExhaustion,
  describeObjective,
  formatRate,
  formatShare,
  formatValue,
  humanDuration,
  type SlaDefinition,
  type SlaEvaluation,
  type SlaPeriodReport,
  type SlaPeriodResult,
  type SlaStatusReport,
} from '../../core/sla/index.js';

/** The views of `medicalcor sla`: catalogue and status tables, the period report as Markdown and HTML. */

export function renderSlaList(slas: readonly SlaDefinition[], file: string, color: boolean): string {
  const table = renderTable(
    slas,
    [
      { header: 'SLA', value: (s) => s.id },
      { header: 'NAME', value: (s) => s.name },
      { header: 'OBJECTIVE', value: (s) => describeObjective(s) },
      { header: 'WARNING', value: (s) => formatValue(s.thresholds.warning, s.unit) },
      { header: 'BREACH', value: (s) => formatValue(s.thresholds.breach, s.unit) },
      { header: 'WINDOW', value: (s) => s.window },
      { header: 'BUDGET', value: (s) => formatShare(s.errorBudget) },
      { header: 'STALE AFTER', value: (s) => s.staleAfter },
      { header: 'RUNBOOK', value: (s) => s.runbook },
    ],
    color,
  );
  return `${table}\n\n${slas.length} SLA(s) from ${file}`;
}

const staleAge = (s: SlaEvaluation) =>
  s.freshness?.ageSeconds == null ? 'no sample in 1d' : `${humanDuration(s.freshness.ageSeconds)} ago`;
const statusCell = (s: SlaEvaluation) =>
  s.status === 'no_data' ? 'no data' : s.status === 'stale' ? `stale (${staleAge(s)})` : s.status;

export function renderSlaStatus(io: Io, report: SlaStatusReport, showQueries: boolean): string {
  const chalk = chalkFor(io);
  const paint = (t: string) =>
    t === 'met'
      ? chalk.green(t)
      : t === 'warning'
        ? chalk.yellow(t)
        : t === 'breached'
          ? chalk.red.bold(t)
          : t.startsWith('stale')
            ? chalk.yellow(t)
            : chalk.dim(t);
  const burn = (s: SlaEvaluation, i: number) => {
    const b = s.burnRates[i]!;
    return `${formatRate(b.longRate)}/${formatRate(b.shortRate)}${b.firing ? ' !' : ''}`;
  };
  const out: string[] = [
    renderTable(
      report.slas,
      [
        { header: 'SLA', value: (s) => s.id },
        { header: 'STATUS', value: statusCell, style: paint },
        { header: 'VALUE', value: (s) => formatValue(s.value, s.unit) },
        { header: 'OBJECTIVE', value: (s) => describeObjective(s) },
        { header: 'WINDOW', value: (s) => s.window.label },
        {
          header: 'BUDGET LEFT',
          value: (s) => formatShare(s.errorBudget.remaining),
          style: (t, s) => ((s.errorBudget.remaining ?? 1) <= 0 ? chalk.red(t) : t),
        },
        ...BURN_WINDOW_PAIRS.map((p, i) => ({
          header: `BURN ${p.long}/${p.short}`,
          value: (s: SlaEvaluation) => burn(s, i),
          style: (t: string) => (t.endsWith('!') ? chalk.red(t) : t),
        })),
        {
          header: 'EXHAUSTED IN',
          value: (s) =>
            s.errorBudget.remaining === null ? '–' : describeExhaustion(s.timeToExhaustion.seconds ?? undefined),
        },
      ],
      io.color,
    ),
  ];
  const s = report.summary;
  const extra = [
    s.stale ? `${s.stale} stale` : '',
    s.no_data ? `${s.no_data} without data` : '',
    s.unknown ? `${s.unknown} unknown` : '',
  ].filter(Boolean);
  const counts = `${s.met} met, ${s.warning} warning, ${s.breached} breached${extra.map((e) => `, ${e}`).join('')}`;
  out.push(`\n${report.slas.length} SLAs at ${report.evaluatedAt.toISOString()}: ${counts}.`);
  // the factors depend on the window's length, so they are listed per window
  const factors = new Map(
    report.slas.map((sla) => [sla.window.label, sla.burnRates.map((b) => formatRate(b.factor)).join(', ')]),
  );
  const factorList = [...factors].map(([w, f]) => `${w}: ${f}`).join('; ');
  out.push(
    `Burn rates: long/short window; "!" = both above the pair's factor, the alert fires (factors ${factorList}).`,
  );
  for (const sla of report.slas) {
    for (const b of sla.burnRates.filter((r) => r.firing)) {
      out.push(
        chalk.red(
          `${b.severity}: ${sla.id} burns its budget ${formatRate(b.longRate)}× over ${b.long} and ` +
            `${formatRate(b.shortRate)}× over ${b.short} ` +
            `(factor ${formatRate(b.factor)}: ${formatShare(b.budgetSpent)} of the budget per ${b.long}).`,
        ),
      );
    }
    if (sla.status === 'stale' && sla.freshness) {
      const { lastSampleAt, ageSeconds, staleAfterSeconds } = sla.freshness;
      const last = lastSampleAt
        ? `last sample ${humanDuration(ageSeconds ?? 0)} ago (${lastSampleAt.toISOString()})`
        : 'no sample in the last day';
      out.push(
        chalk.yellow(
          `stale: ${sla.id}: ${last}, more than its ${humanDuration(staleAfterSeconds)}; ` +
            `its figures (${sla.valueStatus}) describe the past.`,
        ),
      );
    }
  }
  for (const error of report.errors) out.push(chalk.yellow(`could not compute: ${error}`));
  out.push('\nPromQL evaluated (value; -o json lists the error-ratio, burn-rate and freshness queries too):');
  for (const sla of report.slas) {
    out.push(`  ${sla.id}: ${sla.queries.value}`);
    if (showQueries) {
      out.push(`    error ratio: ${sla.queries.errorRatio}`);
      for (const [w, q] of Object.entries(sla.queries.burn)) out.push(`    burn ${w}: ${q}`);
      out.push(`    freshness: ${sla.queries.freshness}`);
    }
  }
  return out.join('\n');
}

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const verdict = (s: SlaPeriodResult) =>
  s.status === 'unknown' ? 'unknown' : s.compliant === null ? 'no data' : s.compliant ? 'compliant' : 'BREACHED';
const budgetLeft = (s: SlaPeriodResult) => (s.budgetConsumed === null ? null : 1 - s.budgetConsumed);

/** The period report as Markdown, for a ticket or a wiki page. */
export function renderReportMarkdown(report: SlaPeriodReport): string {
  const compliant = report.slas.filter((s) => s.compliant === true).length;
  const lines = [
    `# SLA report ${iso(report.from)} – ${iso(report.to)}`,
    '',
    `${compliant} of ${report.slas.length} SLAs compliant. Source: Prometheus ${report.prometheus}; ` +
      `breach periods found at a ${humanDuration(report.stepSeconds)} step. Generated ${iso(report.generatedAt)}.`,
    ...(report.partial ? ['', `> **Partial report**: ${report.errors.join('; ')}`] : []),
    '',
    '| SLA | Objective | Value | Compliance | Budget spent | Budget left | Time in breach |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.slas.map(
      (s) =>
        `| ${[
          `${s.name} (\`${s.id}\`)`,
          describeObjective(s),
          formatValue(s.value, s.unit),
          verdict(s),
          formatShare(s.budgetConsumed),
          formatShare(budgetLeft(s)),
          s.breachedSeconds ? humanDuration(s.breachedSeconds) : '–',
        ].join(' | ')} |`,
    ),
    '',
    '## Breach periods',
    '',
  ];
  const breached = report.slas.filter((s) => s.breaches.length);
  if (!breached.length) lines.push('None.', '');
  for (const s of breached) {
    lines.push(
      `### ${s.name} (\`${s.id}\`)`,
      '',
      '| From | To | Duration | Worst value |',
      '| --- | --- | --- | --- |',
    );
    for (const b of s.breaches)
      lines.push(
        `| ${iso(b.from)} | ${iso(b.to)} | ${humanDuration(b.seconds)} | ${formatValue(b.worstValue, s.unit)} |`,
      );
    lines.push('');
  }
  lines.push('## Queries', '');
  for (const s of report.slas) lines.push(`- \`${s.id}\`: \`${s.queries.value}\``);
  return `${lines.join('\n')}\n`;
}

const CHART = { width: 640, height: 180, left: 48, right: 12, top: 12, bottom: 28 } as const;

/**
 * The period's error budget left over time as an inline SVG: a line from the first step to the
 * last, the zero line, and each breach period shaded. The y axis runs from 100 % down to 0 %, or
 * lower when the budget is overspent. Data attributes let a reader (or a test) find each part.
 */
export function renderBurnChart(sla: SlaPeriodResult, report: Pick<SlaPeriodReport, 'from' | 'to'>): string {
  const { width, height, left, right, top, bottom } = CHART;
  const from = report.from.getTime();
  const span = Math.max(1, report.to.getTime() - from);
  const lowest = Math.min(0, ...sla.budgetSeries.map((p) => p.remaining));
  const x = (t: Date) => left + ((t.getTime() - from) / span) * (width - left - right);
  const y = (v: number) => top + ((1 - v) / (1 - lowest)) * (height - top - bottom);
  const f = (n: number) => n.toFixed(1);
  const title = `${sla.name}: error budget left over the period`;
  const shades = sla.breaches.map(
    (b) =>
      `<rect class="breach" data-from="${iso(b.from)}" data-to="${iso(b.to)}" x="${f(x(b.from))}" y="${top}" ` +
      `width="${f(Math.max(1, x(b.to) - x(b.from)))}" height="${height - top - bottom}" fill="#b00020" ` +
      `fill-opacity="0.15"><title>breached ${escapeHtml(iso(b.from))} – ${escapeHtml(iso(b.to))}</title></rect>`,
  );
  const points = sla.budgetSeries.map((p) => `${f(x(p.time))},${f(y(p.remaining))}`).join(' ');
  const last = sla.budgetSeries.at(-1);
  const ticks = [1, ...(lowest > -1 ? [0.5] : []), 0, ...(lowest < 0 ? [lowest] : [])].map(
    (v) =>
      `<text x="${left - 4}" y="${f(y(v) + 4)}" text-anchor="end" font-size="10">${escapeHtml(formatShare(v))}</text>`,
  );
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const zero = f(y(0));
  const budgetLine = points
    ? `<polyline class="budget" points="${points}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`
    : `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no data</text>`;
  const lastLabel = last
    ? `<text class="last" x="${width - right - 4}" y="${top + 12}" font-size="11" text-anchor="end">` +
      `${escapeHtml(`${formatShare(last.remaining)} left`)}</text>`
    : '';
  return [
    `<svg class="burn-chart" data-sla="${escapeHtml(sla.id)}" data-points="${sla.budgetSeries.length}" role="img" ` +
      `aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    `<title>${escapeHtml(title)}</title>`,
    `<rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="#fafafa" stroke="#ccc"/>`,
    shades.join('\n'),
    `<line class="zero" x1="${left}" x2="${width - right}" y1="${zero}" y2="${zero}" ` +
      'stroke="#777" stroke-dasharray="4 3"/>',
    budgetLine,
    ticks.join(''),
    `<text x="${left}" y="${height - 8}" font-size="10">${escapeHtml(iso(report.from))}</text>`,
    `<text x="${width - right}" y="${height - 8}" font-size="10" text-anchor="end">` +
      `${escapeHtml(iso(report.to))}</text>`,
    lastLabel,
    '</svg>',
  ].join('\n');
}

/** The period report as one self-contained HTML page (no scripts, no external assets). */
export function renderReportHtml(report: SlaPeriodReport): string {
  const row = (cells: string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  const summary = report.slas.map((s) =>
    row([
      `${escapeHtml(s.name)}<br><code>${escapeHtml(s.id)}</code>`,
      escapeHtml(describeObjective(s)),
      escapeHtml(formatValue(s.value, s.unit)),
      `<span class="${s.compliant === false ? 'bad' : s.compliant ? 'ok' : 'unk'}">${escapeHtml(verdict(s))}</span>`,
      escapeHtml(formatShare(s.budgetConsumed)),
      escapeHtml(formatShare(budgetLeft(s))),
      s.breachedSeconds ? escapeHtml(humanDuration(s.breachedSeconds)) : '–',
    ]),
  );
  const charts = report.slas.map(
    (s) =>
      `<section class="sla" id="sla-${escapeHtml(s.id)}">` +
      `<h3>${escapeHtml(s.name)} <code>${escapeHtml(s.id)}</code></h3>\n` +
      `${renderBurnChart(s, report)}</section>`,
  );
  const periods = report.slas
    .filter((s) => s.breaches.length)
    .map((s) => {
      const rows = s.breaches.map((b) =>
        row([
          iso(b.from),
          iso(b.to),
          escapeHtml(humanDuration(b.seconds)),
          escapeHtml(formatValue(b.worstValue, s.unit)),
        ]),
      );
      const head = row(['From', 'To', 'Duration', 'Worst value'], 'th');
      return `<h3>${escapeHtml(s.name)} <code>${escapeHtml(s.id)}</code></h3><table>${head}${rows.join('')}</table>`;
    });
  const compliant = report.slas.filter((s) => s.compliant === true).length;
  const partial = report.partial
    ? `<p class="partial"><strong>Partial report</strong>: ${escapeHtml(report.errors.join('; '))}</p>`
    : '';
  const summaryHead = row(
    ['SLA', 'Objective', 'Value', 'Compliance', 'Budget spent', 'Budget left', 'Time in breach'],
    'th',
  );
  const step = escapeHtml(humanDuration(report.stepSeconds));
  const queries = report.slas.map(
    (s) => `<li><code>${escapeHtml(s.id)}</code>: <code>${escapeHtml(s.queries.value)}</code></li>`,
  );
  return [
    '<!doctype html>',
    `<html lang="en"><head><meta charset="utf-8"><title>SLA report ${iso(report.from)} – ${iso(report.to)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>SLA report ${iso(report.from)} – ${iso(report.to)}</h1>`,
    `<p>${compliant} of ${report.slas.length} SLAs compliant. Source: Prometheus ${escapeHtml(report.prometheus)}; ` +
      `breach periods found at a ${step} step. Generated ${iso(report.generatedAt)}.</p>`,
    partial,
    `<table>${summaryHead}${summary.join('')}</table>`,
    '<h2>Error budget over the period</h2>',
    `<p>Budget left after each ${step} step (mean error ratio so far against the budget); breach periods shaded.</p>`,
    charts.join('\n'),
    '<h2>Breach periods</h2>',
    periods.length ? periods.join('\n') : '<p>None.</p>',
    '<h2>Queries</h2>',
    `<ul>${queries.join('')}</ul>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** The page's whole style sheet: the report is one file, with no external assets. */
const STYLE = [
  'body{font-family:system-ui,sans-serif;margin:2rem;color:#222}',
  'table{border-collapse:collapse;margin:1rem 0}',
  'td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}',
  'th{background:#f4f4f4}.ok{color:#17702a}.bad{color:#b00020;font-weight:bold}.unk{color:#777}',
  'code{font-size:.9em}.partial{background:#fff4e5;padding:.5rem 1rem}',
  'svg{display:block;max-width:100%;height:auto}',
].join('');
