import { escapeHtml } from '../../cli-kit/index.js';
import { humanDuration } from './duration.js';
import { describeObjective, formatShare, formatValue } from './format.js';
import type { SlaPeriodReport, SlaPeriodResult } from './report.js';

const iso = (d: Date) => d.toISOString().replace('.000Z', 'Z');
const verdict = (s: SlaPeriodResult) => (s.status === 'unknown' ? 'unknown' : s.compliant === null ? 'no data' : s.compliant ? 'compliant' : 'BREACHED');

/** The period report as Markdown, for a ticket or a wiki page. */
export function renderReportMarkdown(report: SlaPeriodReport): string {
  const compliant = report.slas.filter((s) => s.compliant === true).length;
  const lines = [
    `# SLA report ${iso(report.from)} – ${iso(report.to)}`,
    '',
    `${compliant} of ${report.slas.length} SLAs compliant. Source: Prometheus ${report.prometheus}; breach periods found at a ${humanDuration(report.stepSeconds)} step. Generated ${iso(report.generatedAt)}.`,
    ...(report.partial ? ['', `> **Partial report**: ${report.errors.join('; ')}`] : []),
    '',
    '| SLA | Objective | Value | Compliance | Budget spent | Time in breach |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.slas.map((s) => `| ${s.name} (\`${s.id}\`) | ${describeObjective(s)} | ${formatValue(s.value, s.unit)} | ${verdict(s)} | ${formatShare(s.budgetConsumed)} | ${s.breachedSeconds ? humanDuration(s.breachedSeconds) : '–'} |`),
    '',
    '## Breach periods',
    '',
  ];
  const breached = report.slas.filter((s) => s.breaches.length);
  if (!breached.length) lines.push('None.', '');
  for (const s of breached) {
    lines.push(`### ${s.name} (\`${s.id}\`)`, '', '| From | To | Duration | Worst value |', '| --- | --- | --- | --- |');
    for (const b of s.breaches) lines.push(`| ${iso(b.from)} | ${iso(b.to)} | ${humanDuration(b.seconds)} | ${formatValue(b.worstValue, s.unit)} |`);
    lines.push('');
  }
  lines.push('## Queries', '');
  for (const s of report.slas) lines.push(`- \`${s.id}\`: \`${s.queries.value}\``);
  return `${lines.join('\n')}\n`;
}

/** The period report as one self-contained HTML page (no scripts, no external assets). */
export function renderReportHtml(report: SlaPeriodReport): string {
  const row = (cells: string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`;
  const summary = report.slas.map((s) => row([
    `${escapeHtml(s.name)}<br><code>${escapeHtml(s.id)}</code>`, escapeHtml(describeObjective(s)), escapeHtml(formatValue(s.value, s.unit)),
    `<span class="${s.compliant === false ? 'bad' : s.compliant ? 'ok' : 'unk'}">${escapeHtml(verdict(s))}</span>`,
    escapeHtml(formatShare(s.budgetConsumed)), s.breachedSeconds ? escapeHtml(humanDuration(s.breachedSeconds)) : '–',
  ]));
  const periods = report.slas.filter((s) => s.breaches.length).map((s) => `<h3>${escapeHtml(s.name)} <code>${escapeHtml(s.id)}</code></h3><table>${row(['From', 'To', 'Duration', 'Worst value'], 'th')}${s.breaches.map((b) => row([iso(b.from), iso(b.to), escapeHtml(humanDuration(b.seconds)), escapeHtml(formatValue(b.worstValue, s.unit))])).join('')}</table>`);
  const compliant = report.slas.filter((s) => s.compliant === true).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SLA report ${iso(report.from)} – ${iso(report.to)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f4f4f4}.ok{color:#17702a}.bad{color:#b00020;font-weight:bold}.unk{color:#777}code{font-size:.9em}.partial{background:#fff4e5;padding:.5rem 1rem}</style>
</head><body>
<h1>SLA report ${iso(report.from)} – ${iso(report.to)}</h1>
<p>${compliant} of ${report.slas.length} SLAs compliant. Source: Prometheus ${escapeHtml(report.prometheus)}; breach periods found at a ${escapeHtml(humanDuration(report.stepSeconds))} step. Generated ${iso(report.generatedAt)}.</p>
${report.partial ? `<p class="partial"><strong>Partial report</strong>: ${escapeHtml(report.errors.join('; '))}</p>` : ''}
<table>${row(['SLA', 'Objective', 'Value', 'Compliance', 'Budget spent', 'Time in breach'], 'th')}${summary.join('')}</table>
<h2>Breach periods</h2>
${periods.length ? periods.join('\n') : '<p>None.</p>'}
<h2>Queries</h2>
<ul>${report.slas.map((s) => `<li><code>${escapeHtml(s.id)}</code>: <code>${escapeHtml(s.queries.value)}</code></li>`).join('')}</ul>
</body></html>
`;
}
