import { isDigit, isWordAt, percentEscapeBefore, startsWithUpper } from './chars.js';
import { isCardDigits, isCnpDigits, isEgnDigits, isPeselDigits } from './checksums.js';

/**
 * Digit runs: a number written with spaces, dots, dashes or brackets between its groups
 * (`(0721) 234 567`, `+40 721 234 567`, `0040.721.234.567`, `4111 1111 1111 1111`). The run is
 * read once with a bounded length; each sub-range of its groups is classified, so a date before
 * a phone number does not hide it. Everything here is bounded: MAX_GROUPS groups, MAX_RUN chars.
 * The groups, their digit values and the matches live in typed arrays reused by every run: the
 * scanner is synchronous, and a run is consumed before the next is read, so nothing is allocated.
 */

const MAX_GROUPS = 10;
const MAX_RUN = 48;
const MAX_GROUP_DIGITS = 20;

export const NOT_PII = 0;
export const PHONE = 1;
export const CNP = 2;
export const NATIONAL_ID = 3;
export const CARD = 4;
/** PHONE, CNP, NATIONAL_ID or CARD (0: not PII) */
export type NumberKind = number;

/** the groups of the run being read, by position: [start, end) and the separator after each */
const groupStart = new Int32Array(MAX_GROUPS);
const groupEnd = new Int32Array(MAX_GROUPS);
const sepStart = new Int32Array(MAX_GROUPS);
const sepEnd = new Int32Array(MAX_GROUPS);
/** the run's digit values in one row, and where each group's digits start in it */
const digitValues = new Uint8Array(MAX_GROUPS * MAX_GROUP_DIGITS);
const digitOffset = new Int32Array(MAX_GROUPS + 1);

/** The PII numbers found in the last run read by scanNumberRun (valid until the next call). */
export const runMatches = {
  count: 0,
  start: new Int32Array(MAX_GROUPS),
  end: new Int32Array(MAX_GROUPS),
  kind: new Uint8Array(MAX_GROUPS),
  /** the last two digits, as a number 0-99 (a phone's mask keeps them) */
  lastTwo: new Uint8Array(MAX_GROUPS),
};

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

let runGroups = 0;
let runPlus = false;

/** Reads the run at `at` (a digit, `+`, `(` or `%2B`) into the group arrays; returns where the run ends. */
function readRun(text: string, at: number): number {
  let pos = at;
  runPlus = false;
  // "(+40) 721 ...": the bracket opens the first group, the plus is inside it
  let openFirst = false;
  if (text.charCodeAt(pos) === 40 && text.charCodeAt(pos + 1) === 43) {
    openFirst = true;
    pos++;
  }
  if (text.charCodeAt(pos) === 43) {
    runPlus = true;
    pos++;
  } else if (startsWithUpper(text, '%2B', pos)) {
    runPlus = true;
    pos += 3;
  }
  let groups = 0;
  let digits = 0;
  const limit = Math.min(text.length, at + MAX_RUN);
  while (pos < limit && groups < MAX_GROUPS) {
    let open = openFirst && groups === 0;
    if (!open && text.charCodeAt(pos) === 40) {
      open = true;
      pos++;
    }
    const start = pos;
    digitOffset[groups] = digits;
    while (pos < text.length && pos - start < MAX_GROUP_DIGITS) {
      const d = text.charCodeAt(pos) - 48;
      if (d < 0 || d > 9) break;
      digitValues[digits++] = d;
      pos++;
    }
    if (pos === start) break;
    groupStart[groups] = start;
    groupEnd[groups] = pos;
    sepStart[groups] = pos;
    sepEnd[groups] = pos;
    const group = groups++;
    if (open && text.charCodeAt(pos) === 41) pos++;
    // a separator counts only when another group follows it
    const from = pos;
    let sep = pos;
    if (text.charCodeAt(sep) === 37 && startsWithUpper(text, '%20', sep)) sep += 3;
    else {
      const c = text.charCodeAt(sep);
      if (c === 32 || c === 46 || c === 45) sep++;
      if (text.charCodeAt(sep - 1) === 41 && text.charCodeAt(sep) === 32) sep++;
    }
    const next = text.charCodeAt(sep);
    if (sep === from || !(isDigit(next) || next === 40)) break;
    sepStart[group] = from;
    sepEnd[group] = sep;
    pos = sep;
  }
  runGroups = groups;
  digitOffset[groups] = digits;
  if (groups === 0) return pos;
  let end = groupEnd[groups - 1]!;
  if (text.charCodeAt(end) === 41 && text.charCodeAt(groupStart[groups - 1]! - 1) === 40) end++;
  return end;
}

const digitCount = (g: number) => groupEnd[g]! - groupStart[g]!;

/** Both groups are followed by the same one-character separator (01.12.2025, 2025-12-01). */
function sameOneCharSeparator(text: string, a: number, b: number): boolean {
  return (
    sepEnd[a]! - sepStart[a]! === 1 &&
    sepEnd[b]! - sepStart[b]! === 1 &&
    text.charCodeAt(sepStart[a]!) === text.charCodeAt(sepStart[b]!)
  );
}

/** Bit k set: group k is part of a date (01.12.2025, 2025-12-01, 1/2/2025), never part of a number. */
function dateGroups(text: string): number {
  let inDate = 0;
  for (let k = 0; k + 2 < runGroups; k++) {
    if (!sameOneCharSeparator(text, k, k + 1) || text.charCodeAt(sepStart[k]!) === 32) continue;
    const a = digitCount(k);
    const b = digitCount(k + 1);
    const c = digitCount(k + 2);
    const dayFirst = a <= 2 && b <= 2 && c === 4;
    const yearFirst = a === 4 && b <= 2 && c <= 2;
    if (dayFirst || yearFirst) inDate |= 7 << k;
  }
  return inDate;
}

/** What the `length` digit values at `from` are, if they are PII (NOT_PII otherwise). */
function classify(from: number, length: number, plus: boolean, firstGroupLength: number): NumberKind {
  const d = digitValues;
  if (plus) return length >= 8 && length <= 15 ? PHONE : NOT_PII;
  if (length === 13 && isCnpDigits(d, from)) return CNP;
  if (isCardDigits(d, from, length)) return CARD;
  if (d[from] === 0 && d[from + 1] === 0 && length >= 11 && length <= 15 && d[from + 2] !== 0) return PHONE;
  // national: a trunk 0 then the area or mobile code (0721 234 567, 021 123 4567, 01 23 45 67 89)
  if (d[from] === 0 && d[from + 1] !== 0 && length >= 9 && length <= 11 && firstGroupLength >= 2) return PHONE;
  // a Romanian mobile written in E.164 without its plus
  if (length === 11 && d[from] === 4 && d[from + 1] === 0 && d[from + 2] === 7) return PHONE;
  if ((length === 11 && isPeselDigits(d, from)) || (length === 10 && isEgnDigits(d, from))) return NATIONAL_ID;
  return NOT_PII;
}

/**
 * Reads the run at `at` and leaves its PII numbers in runMatches: longest first from each group,
 * non-overlapping. Returns where scanning resumes.
 */
export function scanNumberRun(text: string, at: number): number {
  const runEnd = readRun(text, at);
  const groups = runGroups;
  runMatches.count = 0;
  if (groups === 0) return Math.max(runEnd, at + 1);
  // a PII number has at least 8 digits: most runs in logs (502, 1234.56, 10:00) end here
  if (digitOffset[groups]! < 8) return runEnd;
  const inDate = groups >= 3 ? dateGroups(text) : 0;
  // a run glued to a word on its right (0721234567abc, a UUID's tail) ends in an identifier
  const lastOpen = !isWordAt(text, runEnd);
  let a = 0;
  while (a < groups) {
    let found = false;
    if ((inDate & (1 << a)) === 0) {
      let last = a;
      while (last + 1 < groups && (inDate & (1 << (last + 1))) === 0) last++;
      for (let b = last; b >= a; b--) {
        if (b === groups - 1 && !lastOpen) continue;
        const from = digitOffset[a]!;
        const length = digitOffset[b + 1]! - from;
        if (length < 8 || length > 19) continue;
        const kind = classify(from, length, a === 0 && runPlus, digitCount(a));
        if (kind === NOT_PII) continue;
        const groupFrom = groupStart[a]!;
        const start = a === 0 ? at : text.charCodeAt(groupFrom - 1) === 40 ? groupFrom - 1 : groupFrom;
        const groupTo = groupEnd[b]!;
        const end = text.charCodeAt(groupTo) === 41 && text.charCodeAt(start) === 40 ? groupTo + 1 : groupTo;
        const m = runMatches.count++;
        runMatches.start[m] = start;
        runMatches.end[m] = end;
        runMatches.kind[m] = kind;
        const lastDigit = from + length - 1;
        runMatches.lastTwo[m] = digitValues[lastDigit - 1]! * 10 + digitValues[lastDigit]!;
        a = b + 1;
        found = true;
        break;
      }
    }
    if (!found) a++;
  }
  return runEnd;
}
