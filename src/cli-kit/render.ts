import { createRequire } from 'node:module';
import { makeChalk } from './color.js';

const require = createRequire(import.meta.url);

export type OutputFormat = 'table' | 'json' | 'yaml' | 'github';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string | number | boolean | null | undefined;
  /** colours a cell, only when colour is on */
  style?: (text: string, row: Row) => string;
}

/** A human table; borders and colours only when colour is on, so piped output stays plain text. */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], color: boolean): string {
  const chalk = makeChalk(color);
  // cli-table3 is loaded when a table is drawn, not on every start
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: columns.map((c) => (color ? chalk.bold(c.header) : c.header)),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
    chars: color
      ? undefined
      : { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
          'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ' ' },
  });
  for (const row of rows) {
    table.push(
      columns.map((c) => {
        const raw = c.value(row);
        const text = raw === null || raw === undefined ? '' : String(raw);
        return color && c.style ? c.style(text, row) : text;
      }),
    );
  }
  return table.toString().split('\n').map((l) => l.trimEnd()).join('\n');
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
