import { isDigit, isWordAt, percentEscapeBefore, startsWithUpper } from './chars.js';
import { isCardNumber, isValidCnp, isValidEgn, isValidPesel } from './checksums.js';

/**
 * Digit runs: a number written with spaces, dots, dashes or brackets between its groups
 * (`(0721) 234 567`, `+40 721 234 567`, `0040.721.234.567`, `4111 1111 1111 1111`). The run is
 * read once with a bounded length; each sub-range of its groups is classified, so a date before
 * a phone number does not hide it. Everything here is bounded: MAX_GROUPS groups, MAX_RUN chars.
 */

const MAX_GROUPS = 10;
const MAX_RUN = 48;
const MAX_GROUP_DIGITS = 20;

export type NumberKind = 'phone' | 'cnp' | 'national-id' | 'card';

/** A group of digits, by position only: its digits are sliced out only for runs long enough to be PII. */
interface Group {
  start: number;
  end: number;
  /** the separator before the next group: [sepStart, sepEnd), empty for the last */
  sepStart: number;
  sepEnd: number;
}

const digitCount = (g: Group) => g.end - g.start;

/** Both groups are followed by the same one-character separator (01.12.2025, 2025-12-01). */
function sameOneCharSeparator(text: string, a: Group, b: Group): boolean {
  return (
    a.sepEnd - a.sepStart === 1 &&
    b.sepEnd - b.sepStart === 1 &&
    text.charCodeAt(a.sepStart) === text.charCodeAt(b.sepStart)
  );
}

export interface NumberMatch {
  start: number;
  end: number;
  kind: NumberKind;
  digits: string;
}

/** The characters that may stand before a number for it to be a number of its own (not `v1.0721...`, `a-12`). */
export function numberMayStartAt(text: string, at: number): boolean {
  if (at === 0) return true;
  if (percentEscapeBefore(text, at)) return true;
  const before = text.charCodeAt(at - 1);
  if (isWordAt(text, at - 1)) return false;
  // ".", "-", ":", "/", "," right after a digit continue a version, date, time or amount
  if (before === 46 || before === 45 || before === 58 || before === 47 || before === 44)
    return !isDigit(text.charCodeAt(at - 2));
  return true;
}

/** Reads the run at `at` (a digit, `+`, `(` or `%2B`). Returns the groups and where the run ends. */
function readRun(text: string, at: number): { groups: Group[]; plus: boolean; prefixStart: number; end: number } {
  let pos = at;
  let plus = false;
  if (text.charCodeAt(pos) === 43) {
    plus = true;
    pos++;
  } else if (startsWithUpper(text, '%2B', pos)) {
    plus = true;
    pos += 3;
  }
  const groups: Group[] = [];
  const limit = Math.min(text.length, at + MAX_RUN);
  while (pos < limit && groups.length < MAX_GROUPS) {
    let open = false;
    if (text.charCodeAt(pos) === 40) {
      open = true;
      pos++;
    }
    const start = pos;
    while (pos < text.length && isDigit(text.charCodeAt(pos)) && pos - start < MAX_GROUP_DIGITS) pos++;
    if (pos === start) break;
    const group: Group = { start, end: pos, sepStart: pos, sepEnd: pos };
    groups.push(group);
    if (open && text.charCodeAt(pos) === 41) pos++;
    // a separator counts only when another group follows it
    const sepStart = pos;
    let sep = pos;
    if (startsWithUpper(text, '%20', sep)) sep += 3;
    else {
      const c = text.charCodeAt(sep);
      if (c === 32 || c === 46 || c === 45) sep++;
      if (text.charCodeAt(sep - 1) === 41 && text.charCodeAt(sep) === 32) sep++;
    }
    const next = text.charCodeAt(sep);
    if (sep === sepStart || !(isDigit(next) || next === 40)) break;
    group.sepStart = sepStart;
    group.sepEnd = sep;
    pos = sep;
  }
  const last = groups[groups.length - 1];
  let end = last ? last.end : pos;
  if (last && text.charCodeAt(end) === 41 && text.charCodeAt(last.start - 1) === 40) end++;
  return { groups, plus, prefixStart: at, end };
}

/** Three groups that read as a date (01.12.2025, 2025-12-01, 1/2/2025): they are never part of a number. */
function dateGroups(text: string, groups: readonly Group[]): boolean[] {
  const inDate = groups.map(() => false);
  for (let k = 0; k + 2 < groups.length; k++) {
    const [a, b, c] = [groups[k]!, groups[k + 1]!, groups[k + 2]!];
    if (!sameOneCharSeparator(text, a, b) || text.charCodeAt(a.sepStart) === 32) continue;
    const dayFirst = digitCount(a) <= 2 && digitCount(b) <= 2 && digitCount(c) === 4;
    const yearFirst = digitCount(a) === 4 && digitCount(b) <= 2 && digitCount(c) <= 2;
    if (dayFirst || yearFirst) inDate[k] = inDate[k + 1] = inDate[k + 2] = true;
  }
  return inDate;
}

/** What a number written with these digits is, if it is PII. */
export function classifyDigits(digits: string, plus: boolean, firstGroupLength: number): NumberKind | undefined {
  const n = digits.length;
  if (plus) return n >= 8 && n <= 15 ? 'phone' : undefined;
  if (n === 13 && isValidCnp(digits)) return 'cnp';
  if (isCardNumber(digits)) return 'card';
  if (digits.startsWith('00') && n >= 11 && n <= 15 && digits[2] !== '0') return 'phone';
  // national: a trunk 0 then the area or mobile code (0721 234 567, 021 123 4567, 01 23 45 67 89)
  if (digits[0] === '0' && digits[1] !== '0' && n >= 9 && n <= 11 && firstGroupLength >= 2) return 'phone';
  // a Romanian mobile written in E.164 without its plus
  if (n === 11 && digits.startsWith('407')) return 'phone';
  if (isValidPesel(digits) || isValidEgn(digits)) return 'national-id';
  return undefined;
}

/**
 * The PII numbers in the run starting at `at`: longest first from each group, non-overlapping.
 * `end` is where scanning resumes.
 */
export function scanNumberRun(text: string, at: number): { matches: NumberMatch[]; end: number } {
  const run = readRun(text, at);
  const { groups } = run;
  const matches: NumberMatch[] = [];
  if (groups.length === 0) return { matches, end: Math.max(run.end, at + 1) };
  // a PII number has at least 8 digits: most runs in logs (502, 1234.56, 10:00) end here
  let total = 0;
  for (const group of groups) total += digitCount(group);
  if (total < 8) return { matches, end: run.end };
  const inDate = dateGroups(text, groups);
  // a run glued to a word on its right (0721234567abc, a UUID's tail) ends in an identifier
  const lastOpen = !isWordAt(text, run.end);
  // the run's digits in one string, and where each group's start among them (no string per sub-range)
  const all = groups.map((g) => text.slice(g.start, g.end)).join('');
  const offsets = [0];
  for (const group of groups) offsets.push(offsets[offsets.length - 1]! + digitCount(group));
  let a = 0;
  while (a < groups.length) {
    let found: NumberMatch | undefined;
    if (!inDate[a]) {
      let last = a;
      while (last + 1 < groups.length && !inDate[last + 1]) last++;
      for (let b = last; b >= a; b--) {
        if (b === groups.length - 1 && !lastOpen) continue;
        const length = offsets[b + 1]! - offsets[a]!;
        if (length < 8 || length > 19) continue;
        const digits = all.slice(offsets[a], offsets[b + 1]);
        const kind = classifyDigits(digits, a === 0 && run.plus, digitCount(groups[a]!));
        if (!kind) continue;
        const start =
          a === 0
            ? run.prefixStart
            : text.charCodeAt(groups[a]!.start - 1) === 40
              ? groups[a]!.start - 1
              : groups[a]!.start;
        const g = groups[b]!;
        const end = text.charCodeAt(g.end) === 41 && text.charCodeAt(start) === 40 ? g.end + 1 : g.end;
        found = { start, end, kind, digits };
        a = b + 1;
        break;
      }
    }
    if (found) matches.push(found);
    else a++;
  }
  return { matches, end: run.end };
}
