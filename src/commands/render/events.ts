import type { EventTypeSummary, StoredEventCheckReport, TypeVersionReport } from '../../core/events/index.js';
import { makeChalk, renderTable } from '../../cli-kit/index.js';

export function renderSchemas(types: EventTypeSummary[], source: string, color: boolean): string {
  const chalk = makeChalk(color);
  const table = renderTable(
    types,
    [
      { header: 'TYPE', value: (t) => t.type },
      { header: 'AGGREGATE', value: (t) => t.aggregateType },
      { header: 'VERSIONS', value: (t) => t.versions.map((v) => v.version).join(', ') },
      { header: 'LATEST', value: (t) => t.latestVersion },
      {
        header: 'UPCASTERS',
        value: (t) =>
          t.latestVersion === 1
            ? '-'
            : t.versions
                .filter((v) => !v.latest)
                .map((v) => `${v.version}→${v.version + 1} ${v.upcaster ? 'yes' : 'MISSING'}`)
                .join(', '),
        style: (text) => (text.includes('MISSING') ? chalk.red(text) : text),
      },
      { header: 'DESCRIPTION', value: (t) => t.description },
    ],
    color,
  );
  const gaps = types.filter((t) => t.uncovered.length);
  const footer = gaps.length
    ? chalk.red(
        `${gaps.map((t) => `${t.type} v${t.uncovered.join(', v')}`).join('; ')} ` +
          'cannot be upcast to the latest version.',
      )
    : `${types.length} event types (${source} registry); every version upcasts to the latest.`;
  return `${table}\n\n${footer}`;
}

function statusText(r: TypeVersionReport): string {
  if (r.status === 'unknown-type') return 'unknown type';
  if (r.status === 'unknown-version') return `unknown version (latest v${r.latestVersion})`;
  if (r.reachesLatest === false) return 'no upcaster to latest';
  if (r.invalid || r.upcastFailures) return 'INVALID';
  return 'ok';
}

export function renderEventCheck(report: StoredEventCheckReport, source: string, color: boolean): string {
  const chalk = makeChalk(color);
  const lines: string[] = [];
  if (report.rows.length === 0) lines.push('No stored events matched.');
  else {
    lines.push(
      renderTable(
        report.rows,
        [
          { header: 'TYPE', value: (r) => r.type },
          { header: 'VERSION', value: (r) => r.version },
          { header: 'EVENTS', value: (r) => r.count },
          { header: 'INVALID', value: (r) => r.invalid },
          { header: 'UPCAST FAILS', value: (r) => r.upcastFailures },
          {
            header: 'STATUS',
            value: statusText,
            style: (t) => (t === 'ok' ? chalk.green(t) : t === 'unknown type' ? chalk.yellow(t) : chalk.red(t)),
          },
        ],
        color,
      ),
    );
    const firsts = report.rows.flatMap((r) => [
      ...(r.firstInvalid
        ? [
            `  ${r.type} v${r.version}: event ${r.firstInvalid.eventId} (position ${r.firstInvalid.position}) ` +
              `${r.firstInvalid.path}: ${r.firstInvalid.message} (stored ${r.firstInvalid.value})`,
          ]
        : []),
      ...(r.firstUpcastFailure
        ? [
            `  ${r.type} v${r.version} upcast to v${r.latestVersion}: event ${r.firstUpcastFailure.eventId} ` +
              `${r.firstUpcastFailure.path}: ${r.firstUpcastFailure.message}`,
          ]
        : []),
    ]);
    if (firsts.length) lines.push('', 'First invalid event of each:', ...firsts);
  }
  const rate = report.durationMs > 0 ? Math.round(report.scanned / (report.durationMs / 1000)) : 0;
  lines.push('');
  lines.push(
    `${report.scanned.toLocaleString('en-US')} events checked against the ${source} registry, ` +
      `positions ${report.from + 1}..${report.lastPosition} of ${report.head} ` +
      `(${rate.toLocaleString('en-US')} events/s).`,
  );
  const t = report.totals;
  if (t.unknownTypes.length)
    lines.push(chalk.yellow(`Unknown event types (not registered): ${t.unknownTypes.join(', ')}.`));
  if (t.unknownVersions.length) lines.push(chalk.red(`Unknown versions: ${t.unknownVersions.join(', ')}.`));
  if (t.missingUpcasters.length)
    lines.push(chalk.red(`No upcaster to the latest version: ${t.missingUpcasters.join(', ')}.`));
  if (t.invalid) lines.push(chalk.red(`${t.invalid} invalid payloads.`));
  if (t.upcastFailures) lines.push(chalk.red(`${t.upcastFailures} payloads fail the latest schema after upcasting.`));
  if (!report.problem && !report.interrupted) lines.push(chalk.green('Every checked event is valid.'));
  return lines.join('\n');
}

/** The command that continues an interrupted check where it stopped. */
export function resumeCommand(
  after: number,
  options: { since?: string; type?: string[]; all?: boolean; sample?: string; againstRegistry?: string },
): string {
  const parts = ['medicalcor events check', `--after ${after}`];
  parts.push('--all');
  if (options.since) parts.push(`--since ${options.since}`);
  for (const t of options.type ?? []) parts.push(`--type ${t}`);
  if (options.againstRegistry) parts.push(`--against-registry ${options.againstRegistry}`);
  return parts.join(' ');
}
