import { escapeHtml, makeChalk, renderTable } from '../../cli-kit/index.js';
import type { Incident, Postmortem, ResponseTimes, TimelineEntry } from '../../core/incidents/index.js';
import { formatDuration } from '../../core/time/index.js';

const duration = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
const clock = (iso: string) => iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function renderIncidentLine(what: string, incident: Incident): string {
  return `${incident.ref} ${what}: ${incident.title} (${incident.severity}, ${incident.status})`;
}

export function renderIncidentTable(incidents: readonly Incident[], color: boolean): string {
  if (incidents.length === 0) return 'No incidents.';
  const paint = makeChalk(color);
  return renderTable(
    incidents,
    [
      { header: 'INCIDENT', value: (i) => i.ref },
      { header: 'SEV', value: (i) => i.severity, style: (t) => (t === 'P1' || t === 'P2' ? paint.red(t) : t) },
      { header: 'STATUS', value: (i) => i.status },
      { header: 'TITLE', value: (i) => i.title },
      { header: 'COMMANDER', value: (i) => i.commander ?? '' },
      { header: 'OPENED', value: (i) => clock(i.createdAt) },
      { header: 'RESOLVED', value: (i) => (i.resolvedAt ? clock(i.resolvedAt) : '') },
    ],
    color,
  );
}

const TIME_LABELS: [keyof ResponseTimes, string, string][] = [
  ['detectMs', 'time to detect', 'impact start → incident opened'],
  ['acknowledgeMs', 'time to acknowledge', 'opened → acknowledged'],
  ['identifyMs', 'time to identify', 'opened → cause identified'],
  ['resolveMs', 'time to resolve', 'impact start → resolved'],
];

function timelineTable(timeline: readonly TimelineEntry[], color: boolean): string {
  return renderTable(
    timeline,
    [
      { header: 'TIME', value: (e) => clock(e.occurredAt) },
      { header: 'KIND', value: (e) => (e.kind === 'action' ? `action ${String(e.facts.action ?? '')}` : e.kind) },
      { header: 'WHO', value: (e) => e.actor },
      { header: 'WHAT', value: (e) => e.text },
      { header: 'REF', value: (e) => e.ref ?? '' },
    ],
    color,
  );
}

export function renderIncidentShow(record: Postmortem, color: boolean): string {
  const { incident: i } = record;
  const lines = [
    `${i.ref}  ${i.title}`,
    `severity ${i.severity} · status ${i.status} · commander ${i.commander ?? '(none)'} · environment ${i.environment}`,
    `services: ${i.services.join(', ') || '(none named)'}`,
    `impact started ${clock(i.impactStartedAt)}; opened ${clock(i.createdAt)} by ${i.createdBy}` +
      (i.resolvedAt ? `; resolved ${clock(i.resolvedAt)}` : ''),
    TIME_LABELS.map(([key, label]) => `${label} ${duration(record.times[key])}`).join(' · '),
  ];
  if (i.summary) lines.push(`summary: ${i.summary}`);
  lines.push('', timelineTable(record.timeline, color));
  return lines.join('\n');
}

/** A postmortem draft in Markdown: the facts filled in, the judgement sections left for people. */
export function renderPostmortemMarkdown(record: Postmortem): string {
  const { incident: i } = record;
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [
    `# Postmortem draft: ${i.ref} ${i.title}`,
    '',
    `Generated ${clock(record.generatedAt)} by medicalcor from the incident record.`,
    '',
    '## Summary',
    '',
    i.summary ?? '_Not resolved yet: no summary._',
    '',
    '## Impact',
    '',
    `- Severity: ${i.severity}; environment: ${i.environment}`,
    `- Services: ${i.services.join(', ') || '(none named)'}`,
    `- Impact from ${clock(i.impactStartedAt)} for ${duration(record.impactMs)}${i.resolvedAt ? '' : ' (still open)'}`,
    `- Commander: ${i.commander ?? '(none)'}`,
    '',
    '## Response times',
    '',
    '| measure | value | from → to |',
    '| --- | --- | --- |',
    ...TIME_LABELS.map(([key, label, span]) => `| ${label} | ${duration(record.times[key])} | ${span} |`),
    '',
    '## Timeline',
    '',
    '| time (UTC) | kind | who | what | ref |',
    '| --- | --- | --- | --- | --- |',
    ...record.timeline.map(
      (e) => `| ${clock(e.occurredAt)} | ${e.kind} | ${cell(e.actor)} | ${cell(e.text)} | ${cell(e.ref ?? '')} |`,
    ),
    '',
    '## Actions taken',
    '',
    ...(record.actions.length
      ? record.actions.map(
          (e) =>
            `- ${clock(e.occurredAt)} ${String(e.facts.action)}: ${e.text}` +
            `${e.facts.outcome ? ` (${String(e.facts.outcome)})` : ''}${e.ref ? ` — audit: \`${e.ref}\`` : ''}`,
        )
      : ['_No medicalcor actions were recorded on this incident._']),
    '',
    '## Root cause',
    '',
    '_To be written._',
    '',
    '## Follow-ups',
    '',
    '- [ ] _To be written._',
    '',
  ];
  return out.join('\n');
}

/** The same draft as one self-contained HTML page (inline styles, no scripts, nothing fetched). */
const CELL_STYLE = 'td,th{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}';

export function renderPostmortemHtml(record: Postmortem): string {
  const { incident: i } = record;
  const e = escapeHtml;
  const rows = record.timeline
    .map(
      (t) =>
        `<tr class="kind-${e(t.kind)}"><td>${e(clock(t.occurredAt))}</td><td>${e(t.kind)}</td>` +
        `<td>${e(t.actor)}</td><td>${e(t.text)}</td><td>${e(t.ref ?? '')}</td></tr>`,
    )
    .join('\n');
  const times = TIME_LABELS.map(
    ([key, label, span]) =>
      `<tr><td>${e(label)}</td><td class="metric">${e(duration(record.times[key]))}</td><td>${e(span)}</td></tr>`,
  ).join('\n');
  const actions = record.actions.length
    ? record.actions
        .map(
          (a) =>
            `<li>${e(clock(a.occurredAt))} <b>${e(String(a.facts.action))}</b>: ${e(a.text)}` +
            `${a.ref ? ` — audit: <code>${e(a.ref)}</code>` : ''}</li>`,
        )
        .join('\n')
    : '<li><i>No medicalcor actions were recorded on this incident.</i></li>';
  const stillOpen = i.resolvedAt ? '' : ' (still open)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Postmortem ${e(i.ref)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}${CELL_STYLE}
th{background:#f6f8fa}.kind-action td{background:#f0f7ff}.kind-alert td{background:#fff5f5}.metric{font-weight:600}
h1{font-size:1.5rem}.todo{color:#6e7781;font-style:italic}
</style></head><body>
<h1>Postmortem draft: ${e(i.ref)} ${e(i.title)}</h1>
<p>Generated ${e(clock(record.generatedAt))} by medicalcor from the incident record.</p>
<h2>Summary</h2><p id="summary">${i.summary ? e(i.summary) : '<i>Not resolved yet: no summary.</i>'}</p>
<h2>Impact</h2><ul>
<li>Severity: ${e(i.severity)}; environment: ${e(i.environment)}</li>
<li>Services: ${e(i.services.join(', ') || '(none named)')}</li>
<li>Impact from ${e(clock(i.impactStartedAt))} for ${e(duration(record.impactMs))}${stillOpen}</li>
<li>Commander: ${e(i.commander ?? '(none)')}</li></ul>
<h2>Response times</h2><table id="times"><tr><th>measure</th><th>value</th><th>from → to</th></tr>
${times}</table>
<h2>Timeline</h2><table id="timeline"><tr><th>time (UTC)</th><th>kind</th><th>who</th><th>what</th><th>ref</th></tr>
${rows}</table>
<h2>Actions taken</h2><ul id="actions">${actions}</ul>
<h2>Root cause</h2><p class="todo">To be written.</p>
<h2>Follow-ups</h2><p class="todo">To be written.</p>
</body></html>
`;
}
