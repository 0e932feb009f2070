import { SOURCE_LABELS, type Trace } from '../../core/journey/index.js';
import { escapeHtml } from '../../cli-kit/index.js';
import { formatMs } from '../../core/time/index.js';
import { describeTrace } from './trace-summary.js';
import { clock, sourceLine } from './trace-text.js';

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d232a;background:#fff}
h1{font-size:20px;margin:0 0 4px}
.meta{color:#58616b;margin-bottom:16px}
.pii{color:#b00020;font-weight:600}
.summary{background:#f5f7f9;border-left:4px solid #58616b;padding:10px 14px;margin:16px 0}
.summary.failed{border-color:#b00020}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e3e7eb;vertical-align:top}
th{font-size:12px;text-transform:uppercase;color:#58616b}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.failed td{color:#b00020}
tr.first-failure td{background:#fde8ea;font-weight:600}
tr.after-failure td{opacity:.75}
.lane{position:relative;height:12px;min-width:220px;background:#f0f2f4}
.bar{position:absolute;top:0;height:12px;background:#2e7d32;min-width:2px}
tr.failed .bar{background:#b00020}
tr.warning .bar{background:#c77700}
details pre{white-space:pre-wrap;word-break:break-word;font-size:12px;margin:4px 0}
ul.sources li.bad{color:#b00020}
`;

/**
 * A self-contained HTML report of one trace for an incident ticket: inline CSS, no scripts, no
 * external requests (the CSP forbids them), every value escaped: payloads may contain markup.
 */
export function renderTraceHtml(trace: Trace): string {
  const span = Math.max(trace.spanMs, 1);
  const rows = trace.items.map((item, index) => {
    const left = ((item.offsetMs / span) * 100).toFixed(2);
    const width = item.durationMs ? Math.max(0.3, (item.durationMs / span) * 100).toFixed(2) : '0.30';
    const classes = [
      'item',
      item.status,
      item.firstFailure ? 'first-failure' : '',
      item.afterFailure ? 'after-failure' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const attributes = `data-source="${escapeHtml(item.source)}" data-status="${escapeHtml(item.status)}"`;
    return `<tr class="${classes}" data-index="${index}" ${attributes}>
<td class="num">${escapeHtml(clock(item.at))}</td>
<td class="num">+${escapeHtml(formatMs(item.offsetMs))}</td>
<td class="num">${escapeHtml(item.gapMs === undefined ? '' : formatMs(item.gapMs))}</td>
<td>${escapeHtml(SOURCE_LABELS[item.source])}</td>
<td>${escapeHtml(item.name)}</td>
<td>${escapeHtml(item.firstFailure ? 'FAILED (first)' : item.status)}</td>
<td class="num">${escapeHtml(item.durationMs === undefined ? '' : formatMs(item.durationMs))}</td>
<td><div class="lane"><div class="bar" style="left:${left}%;width:${width}%"></div></div></td>
<td>${escapeHtml(item.summary)}${item.error ? `<br><strong>${escapeHtml(item.error)}</strong>` : ''}
<details><summary>${escapeHtml(item.ref)}</summary>
<pre>${escapeHtml(JSON.stringify(item.detail, null, 2))}</pre></details></td>
</tr>`;
  });
  const sources = trace.sources
    .map(
      (s) =>
        `<li class="${s.state === 'failed' || s.state === 'timeout' ? 'bad' : escapeHtml(s.state)}">` +
        `${escapeHtml(sourceLine(s))}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Journey ${escapeHtml(trace.correlationId)} — medicalcor trace</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Journey <code>${escapeHtml(trace.correlationId)}</code></h1>
<div class="meta">Generated ${escapeHtml(trace.generatedAt.toISOString())} by medicalcor trace. Times in UTC. ${
    trace.piiShown ? '<span class="pii">Patient data shown; this access was recorded.</span>' : 'Patient data masked.'
  }</div>
<p class="summary${trace.verdict.failed ? ' failed' : ''}" id="summary">${escapeHtml(describeTrace(trace))}</p>
<table id="timeline">
<thead><tr><th>Time</th><th>Offset</th><th>Gap</th><th>Source</th><th>Step</th><th>Status</th><th>Duration</th>
<th>Waterfall</th><th>Detail</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<h2>Sources</h2>
<ul class="sources">
${sources}
</ul>
</body>
</html>
`;
}
