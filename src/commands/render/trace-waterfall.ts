import { chalkFor, writeOut, type Io } from '../../cli-kit/index.js';
import { SOURCE_LABELS, type Trace } from '../../core/journey/index.js';
import { formatMs } from '../../core/time/index.js';
import { renderSources } from './trace-table.js';
import { describeTrace } from './trace-summary.js';
import { clock, offset, statusText, wrap } from './trace-text.js';

/** Piped (no width): the full layout. On a terminal the label and the bar share what the line has left. */
const FULL = { label: 44, bar: 48 };
/** clock (12) + offset (10) + separators and the duration and failure marker after the bar */
const FIXED_COLUMNS = 12 + 1 + 10 + 1 + 1 + 2 + 1 + 9 + 16;

function layout(width: number | undefined): { label: number; bar: number } {
  if (!width) return FULL;
  const free = Math.max(width - FIXED_COLUMNS, 26);
  const label = Math.min(FULL.label, Math.max(12, Math.floor(free * 0.45)));
  return { label, bar: Math.min(FULL.bar, Math.max(10, free - label)) };
}

function pad(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

const fit = (text: string, width: number | undefined) =>
  width && text.length > width ? `${text.slice(0, width - 1)}…` : text;

/** A terminal waterfall: each item a bar placed on the journey's time axis, so gaps and overlaps show. */
export function renderTraceWaterfall(io: Io, trace: Trace): void {
  const chalk = chalkFor(io);
  writeOut(
    io,
    chalk.bold(`Journey ${trace.correlationId}`) +
      ` — waterfall over ${formatMs(trace.spanMs)}, times in UTC${trace.piiShown ? ' — PII SHOWN' : ''}`,
  );
  const span = Math.max(trace.spanMs, 1);
  const { label: LABEL_WIDTH, bar: BAR_WIDTH } = layout(io.width);
  for (const item of trace.items) {
    const start = Math.min(BAR_WIDTH - 1, Math.floor((item.offsetMs / span) * BAR_WIDTH));
    const length = item.durationMs ? Math.max(1, Math.round((item.durationMs / span) * BAR_WIDTH)) : 0;
    const bar = length ? '█'.repeat(Math.min(length, BAR_WIDTH - start)) : '◆';
    const lane = `${' '.repeat(start)}${bar}`.padEnd(BAR_WIDTH);
    const paint = item.firstFailure
      ? chalk.bold.red
      : item.status === 'failed'
        ? chalk.red
        : item.status === 'warning'
          ? chalk.yellow
          : item.afterFailure
            ? chalk.dim
            : chalk.green;
    const marker = item.firstFailure ? ' ✗ first failure' : item.status === 'failed' ? ' ✗' : '';
    const label = pad(`${SOURCE_LABELS[item.source]}: ${item.name}`, LABEL_WIDTH);
    writeOut(
      io,
      `${clock(item.at)} ${pad(offset(item), 10)} ${label} |${paint(lane)}| ` +
        `${item.durationMs !== undefined ? formatMs(item.durationMs) : ''}${paint(marker)}`,
    );
    if (item.firstFailure && item.error)
      writeOut(io, chalk.red(fit(`${' '.repeat(24)}└ ${statusText(item)}: ${item.error}`, io.width)));
  }
  writeOut(io, '\nSources:');
  renderSources(io, trace);
  writeOut(io, `\n${wrap(describeTrace(trace))}`);
}
