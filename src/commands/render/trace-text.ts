import { SOURCE_LABELS, type PlacedItem, type SourceReport } from '../../core/journey/index.js';
import { formatMs } from '../../core/time/index.js';

/** 14:03:07.125 (UTC): the date is in the header, the time is what an on-call engineer compares. */
export function clock(at: Date): string {
  return at.toISOString().slice(11, 23);
}

export const offset = (item: PlacedItem) => `+${formatMs(item.offsetMs)}`;
export const gap = (item: PlacedItem) =>
  item.gapMs === undefined ? '' : item.gapMs === 0 ? '-' : formatMs(item.gapMs);
export const duration = (item: PlacedItem) => (item.durationMs === undefined ? '' : formatMs(item.durationMs));

export function statusText(item: PlacedItem): string {
  if (item.firstFailure) return 'FAILED (first)';
  return item.status === 'failed' ? 'failed' : item.status;
}

/** One source's outcome; `noun` names what it counted ("failure" for --failed). */
export function sourceLine(report: SourceReport, noun = 'item'): string {
  const label = SOURCE_LABELS[report.source];
  switch (report.state) {
    case 'ok':
      return (
        `${label}: ${report.items} ${noun}(s) in ${formatMs(report.elapsedMs)}` +
        `${report.note ? `, ${report.note}` : ''}${report.truncated ? ' (truncated)' : ''}`
      );
    case 'skipped':
      return `${label}: skipped — ${report.reason}`;
    case 'timeout':
      return `${label}: TIMED OUT (${report.reason})`;
    default:
      return `${label}: FAILED (${report.reason})`;
  }
}

/** Wraps a paragraph to the given width. */
export function wrap(text: string, width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
