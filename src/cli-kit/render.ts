import { createRequire } from 'node:module';
import { makeChalk } from './color.js';
import { displayWidth, fitColumns, truncateText } from './width.js';

const require = createRequire(import.meta.url);

export type OutputFormat = 'table' | 'json' | 'yaml' | 'github';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
  /** colours a cell, only when colour is on */
  style?: (text: string, row: Row) => string;
}

/**
 * The width tables fit when a caller passes none: set once per command by makeContext from the
 * terminal (Io.width), so every renderTable call fits without each caller passing it.
 */
let defaultWidth: number | undefined;

export function setTableWidth(width: number | undefined): void {
  defaultWidth = width;
}

const cellText = (raw: string | number | boolean | null | undefined) =>
  raw === null || raw === undefined ? '' : String(raw);

/**
 * A human table; borders and colours only when colour is on, so piped output stays plain text.
 * `width` (default: the command's terminal width, see setTableWidth): long cells are cut with an
 * ellipsis so each line fits, as in gh; undefined (piped) prints every cell in full.
 */
export function renderTable<Row>(
  rows: readonly Row[],
  columns: readonly Column<Row>[],
  color: boolean,
  width: number | undefined = defaultWidth,
): string {
  const chalk = makeChalk(color);
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const headers = columns.map((c) => c.header);
  let limits: number[] | undefined;
  if (width !== undefined && columns.length) {
    const natural = columns.map((_, i) =>
      Math.max(...[headers[i]!, ...cells.map((r) => r[i]!)].flatMap((t) => t.split('\n')).map(displayWidth)),
    );
    // per column: 2 of padding; with colour, box borders (one per column and one more); without, one space between
    const overhead = color ? columns.length * 3 + 1 : columns.length * 3 - 3;
    limits = fitColumns(natural, Math.max(width - overhead, columns.length));
  }
  const fitCell = (text: string, i: number) =>
    limits
      ? text
          .split('\n')
          .map((l) => truncateText(l, limits![i]!))
          .join('\n')
      : text;
  // cli-table3 is loaded when a table is drawn, not on every start
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: headers.map((h, i) => (color ? chalk.bold(fitCell(h, i)) : fitCell(h, i))),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: color
      ? undefined
      : {
          top: '',
          'top-mid': '',
          'top-left': '',
          'top-right': '',
          bottom: '',
          'bottom-mid': '',
          'bottom-left': '',
          'bottom-right': '',
          left: '',
          'left-mid': '',
          mid: '',
          'mid-mid': '',
          right: '',
          'right-mid': '',
          middle: ' ',
        },
  });
  rows.forEach((row, r) => {
    table.push(
      columns.map((c, i) => {
        const text = fitCell(cells[r]![i]!, i);
        return color && c.style ? c.style(text, row) : text;
      }),
    );
  });
  return table
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** Stable JSON: two-space indent, trailing newline, Dates as ISO strings. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** yaml is loaded only when YAML output is asked for (it costs ~20 ms at startup). */
export function renderYaml(value: unknown): string {
  const { stringify } = require('yaml') as typeof import('yaml');
  return stringify(JSON.parse(JSON.stringify(value)));
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values for HTML reports: data may contain markup, and attributes may be single-quoted. */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** The machine-readable formats every command offers alike. */
export function renderData(format: 'json' | 'yaml' | OutputFormat, value: unknown): string {
  return format === 'yaml' ? renderYaml(value) : renderJson(value);
}
