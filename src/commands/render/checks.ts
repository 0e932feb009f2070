import type { CheckReport } from '../../checks/index.js';
import {
  chalkFor,
  formatAnnotation,
  renderJson,
  renderTable,
  writeOut,
  type Io,
  type OutputFormat,
} from '../../cli-kit/index.js';

function scoreLine(report: CheckReport): string {
  const { pass, warn, fail, skip } = report.counts;
  const verdict = report.ready ? 'ready' : `NOT READY: required check(s) failed: ${report.requiredFailed.join(', ')}`;
  const counts = `${pass} passed, ${warn} ${warn === 1 ? 'warning' : 'warnings'}, ${fail} failed, ${skip} skipped`;
  return `Readiness ${report.score ?? '–'} % on ${report.environment} (${counts}): ${verdict}`;
}

/** The report as a table, JSON, or GitHub annotations (one per failure or warning, then the score). */
export function renderCheckReport(io: Io, format: OutputFormat, report: CheckReport): void {
  if (format === 'json') return writeOut(io, renderJson(report));
  if (format === 'github') {
    for (const c of report.checks) {
      if (c.status !== 'fail' && c.status !== 'warn') continue;
      const level = c.status === 'fail' && c.required ? 'error' : 'warning';
      writeOut(
        io,
        formatAnnotation({
          level,
          title: `check ${c.id}${c.required ? '' : ' (advisory)'}`,
          message: `${c.title}: ${c.summary}${c.remedy ? ` → ${c.remedy}` : ''}`,
        }),
      );
    }
    writeOut(
      io,
      formatAnnotation({ level: report.ready ? 'notice' : 'error', title: 'readiness', message: scoreLine(report) }),
    );
    return;
  }
  renderCheckTable(io, report);
}

/** The human form: one row per check with what to do, then the score (also used by `demo`). */
export function renderCheckTable(io: Io, report: CheckReport): void {
  const chalk = chalkFor(io);
  const paint = (t: string) =>
    t === 'pass' ? chalk.green(t) : t === 'warn' ? chalk.yellow(t) : t === 'fail' ? chalk.red.bold(t) : chalk.dim(t);
  writeOut(
    io,
    renderTable(
      report.checks,
      [
        { header: 'STATUS', value: (c) => c.status, style: paint },
        { header: 'CHECK', value: (c) => c.id },
        { header: 'REQUIRED', value: (c) => (c.required ? 'yes' : 'no') },
        {
          header: 'RESULT',
          value: (c) =>
            c.remedy && c.status !== 'pass' && c.status !== 'skip' ? `${c.summary}\n→ ${c.remedy}` : c.summary,
        },
      ],
      io.color,
    ),
  );
  const line = `\n${scoreLine(report)}`;
  writeOut(io, report.ready ? chalk.green(line) : chalk.red(line));
}
