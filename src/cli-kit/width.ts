import { stripVTControlCharacters } from 'node:util';

/**
 * The width output must fit, decided once per command (makeContext): on a terminal, COLUMNS when
 * it is a number (the user said so), else the terminal's own width; when piped, undefined: output
 * is complete, never cut, so scripts and files get every character (as gh's table printer does).
 */
export function decideWidth(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv): number | undefined {
  if (!stream.isTTY) return undefined;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stream.columns && stream.columns > 0 ? stream.columns : 80;
}

/** Characters a text takes on screen: colour codes take none, East Asian wide and emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of stripVTControlCharacters(text)) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x300 && code <= 0x36f)) continue;
    width +=
      code >= 0x1100 &&
      (code <= 0x115f ||
        (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe30 && code <= 0xfe4f) ||
        (code >= 0xff00 && code <= 0xff60) ||
        (code >= 0xffe0 && code <= 0xffe6) ||
        (code >= 0x1f300 && code <= 0x1faff) ||
        (code >= 0x20000 && code <= 0x3fffd))
        ? 2
        : 1;
  }
  return width;
}

/** Cuts plain text to `width` screen columns, ending in an ellipsis when something was cut. */
export function truncateText(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = displayWidth(char);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…`;
}

/**
 * Fits columns of natural widths into `available` screen columns: a column that fits its fair
 * share keeps its width, the rest share what is left equally (at least `min` each). The sum of
 * the result is at most `available` unless even `min` per column does not fit.
 */
export function fitColumns(natural: readonly number[], available: number, min = 4): number[] {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= available) return [...natural];
  const widths: (number | undefined)[] = natural.map(() => undefined);
  let left = available;
  let open = natural.map((_, i) => i);
  // the first column names the row (an id, a name): kept whole while it takes at most 40 %
  if (natural.length > 1 && natural[0]! <= available * 0.4) {
    widths[0] = natural[0]!;
    left -= natural[0]!;
    open = open.slice(1);
  }
  for (;;) {
    const share = Math.floor(left / open.length);
    const fitting = open.filter((i) => natural[i]! <= share);
    if (!fitting.length) break;
    for (const i of fitting) {
      widths[i] = natural[i]!;
      left -= natural[i]!;
    }
    open = open.filter((i) => !fitting.includes(i));
    if (!open.length) break;
  }
  const share = Math.floor(left / Math.max(open.length, 1));
  let extra = left - share * open.length;
  for (const i of open) {
    widths[i] = Math.max(min, Math.min(natural[i]!, share + (extra > 0 ? 1 : 0)));
    if (extra > 0) extra--;
  }
  return widths.map((w) => w!);
}
