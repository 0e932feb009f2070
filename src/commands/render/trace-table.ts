import { chalkFor, renderTable, writeOut, type Io } from '../../cli-kit/index.js';
import { SOURCE_LABELS, type FailedJourneysReport, type PlacedItem, type Trace } from '../../core/journey/index.js';
import { describeTrace } from './trace-summary.js';
import { clock, duration, gap, offset, sourceLine, statusText, wrap } from './trace-text.js';

function header(io: Io, trace: Trace): void {
  const chalk = chalkFor(io);
  const day = trace.startAt ? trace.startAt.toISOString().slice(0, 10) : trace.generatedAt.toISOString().slice(0, 10);
  writeOut(
    io,
    chalk.bold(`Journey ${trace.correlationId}`) +
      ` — ${day}, times in UTC${trace.piiShown ? chalk.red(' — PII SHOWN (access recorded)') : ', PII masked'}`,
  );
}

export function renderSources(io: Io, trace: { sources: Trace['sources'] }): void {
  const chalk = chalkFor(io);
  for (const report of trace.sources) {
    const line = `  ${sourceLine(report)}`;
    writeOut(
      io,
      report.state === 'failed' || report.state === 'timeout'
        ? chalk.red(line)
        : report.state === 'skipped'
          ? chalk.dim(line)
          : line,
    );
  }
}

/** The default view: one row per item, the first failure marked, then sources and the summary. */
export function renderTraceTable(io: Io, trace: Trace): void {
  const chalk = chalkFor(io);
  header(io, trace);
  if (trace.items.length) {
    const style = (text: string, item: PlacedItem) =>
      item.firstFailure
        ? chalk.bold.red(text)
        : item.status === 'failed'
          ? chalk.red(text)
          : item.afterFailure
            ? chalk.dim(text)
            : text;
    writeOut(
      io,
      renderTable(
        trace.items,
        [
          { header: 'TIME', value: (i) => clock(i.at), style },
          { header: 'OFFSET', value: offset, style },
          { header: 'GAP', value: gap, style },
          { header: 'SOURCE', value: (i) => SOURCE_LABELS[i.source], style },
          { header: 'STEP', value: (i) => i.name, style },
          {
            header: 'STATUS',
            value: statusText,
            style: (t, i) =>
              i.status === 'failed'
                ? chalk.bold.red(t)
                : i.status === 'warning'
                  ? chalk.yellow(t)
                  : i.status === 'ok'
                    ? chalk.green(t)
                    : t,
          },
          { header: 'DURATION', value: duration, style },
          { header: 'DETAIL', value: (i) => (i.error ? `${i.summary} — ${i.error}` : i.summary), style },
        ],
        io.color,
      ),
    );
  }
  writeOut(io, '\nSources:');
  renderSources(io, trace);
  writeOut(io, `\n${wrap(describeTrace(trace))}`);
}

export function renderFailedTable(io: Io, report: FailedJourneysReport): void {
  const chalk = chalkFor(io);
  writeOut(
    io,
    chalk.bold(`Journeys that failed from ${report.from.toISOString()} to ${report.to.toISOString()} (newest first)`),
  );
  if (report.journeys.length) {
    writeOut(
      io,
      renderTable(
        report.journeys,
        [
          { header: 'CORRELATION ID', value: (j) => j.correlationId },
          { header: 'FAILED AT', value: (j) => j.failedAt.toISOString() },
          { header: 'SOURCE', value: (j) => SOURCE_LABELS[j.source] },
          { header: 'STEP', value: (j) => j.step },
          { header: 'ERROR', value: (j) => j.error, style: (t) => chalk.red(t) },
          { header: 'FAILURES', value: (j) => j.failures },
        ],
        io.color,
      ),
    );
  } else {
    writeOut(io, 'No journey failed in this window.');
  }
  writeOut(io, '\nSources:');
  for (const s of report.sources) {
    const line = `  ${sourceLine(s, 'failure')}`;
    writeOut(io, s.state === 'failed' || s.state === 'timeout' ? chalk.red(line) : line);
  }
  if (report.journeys.length)
    writeOut(
      io,
      `\n${report.journeys.length} journey(s) failed. Run "medicalcor trace <CORRELATION ID>" for one timeline.`,
    );
}
