/**
 * A step's output is plain text that goes to a terminal, a JSON report and the audit table alike:
 * rows as aligned columns, no colour, no box drawing (views with colour live in the CLI).
 */
export interface PlainColumn<Row> {
  header: string;
  value: (row: Row) => unknown;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s*\n\s*/g, ' ');
}

export function plainTable<Row>(rows: readonly Row[], columns: readonly PlainColumn<Row>[]): string {
  const grid = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => cell(c.value(row))))];
  const widths = columns.map((_, i) => Math.max(...grid.map((line) => line[i]!.length)));
  return grid
    .map((line) =>
      line
        .map((text, i) => text.padEnd(widths[i]! + 2))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}
