import {
  CLASS,
  classAt,
  DIGIT,
  foldWord,
  isDigit,
  isLetterAt,
  isUpperAscii,
  isWordAt,
  LETTER,
  LOCAL,
  startsWithUpper,
  WORD,
} from './chars.js';
import { isValidIban } from './checksums.js';
import { scanEmail } from './email.js';
import { isNameKey } from './keys.js';
import {
  CUE_SHAPES,
  isCapitalisedName,
  isCueWord,
  KnownNames,
  MAX_NAME_WORDS,
  nameSeparatorLength,
  wordEnd,
} from './names.js';
import { numberMayStartAt, scanNumberRun, type NumberKind } from './numbers.js';

/**
 * The scanner behind maskText: one pass from left to right. At each word start it tries, in
 * order, an e-mail address, a number (phone, CNP, national ID, card), an IBAN, a known name, a
 * name after a cue. Every look-ahead is bounded, and a position is never read again after the
 * scanner has moved past it, so the time is linear in the text's length whatever its content.
 */

export interface ScanOptions {
  /** names from the journey's patient-data fields */
  knownNames?: KnownNames;
  /** exact values left alone, e.g. the correlation ID being traced (a numeric ID is not a phone) */
  keep?: readonly string[];
  /** called with every name found after a cue, so a masker can learn it for the journey's other texts */
  onName?: (name: string) => void;
}

export const NAME_MASK = '[masked]';

const NUMBER_MASKS: Record<Exclude<NumberKind, 'phone'>, string> = {
  cnp: '[masked cnp]',
  'national-id': '[masked id]',
  card: '[masked card]',
};

function numberMask(kind: NumberKind, digits: string): string {
  // the last two digits tell two numbers apart in an incident without identifying anyone
  return kind === 'phone' ? `+***${digits.slice(-2)}` : NUMBER_MASKS[kind];
}

const MAX_IBAN_SCAN = 42;
/** a flag beside chars.ts's classes: the identifier holds an underscore */
const UNDERSCORE = 64;
const MAX_QUOTED_NAME = 100;

/** End of a run of word characters (letters, digits, `_`). */
function identifierEnd(text: string, at: number): number {
  let pos = at;
  while (pos < text.length && isWordAt(text, pos)) pos++;
  return pos;
}

/** An IBAN at `at` (two capitals and two digits), compact or in groups of four; its end, or -1. */
function ibanAt(text: string, at: number): number {
  let compact = '';
  const ends: { end: number; length: number }[] = [];
  let pos = at;
  const limit = Math.min(text.length, at + MAX_IBAN_SCAN);
  while (pos < limit && compact.length < 34) {
    const code = text.charCodeAt(pos);
    if (isDigit(code) || isUpperAscii(code)) {
      compact += text[pos];
      pos++;
      if (!isWordAt(text, pos)) ends.push({ end: pos, length: compact.length });
    } else if (code === 32 && isWordAt(text, pos + 1)) {
      pos++;
    } else break;
  }
  // longest first: "RO49 AAAA 1B31 0075 9384 0000 paid" ends at the last group that checks out
  for (let k = ends.length - 1; k >= 0; k--) {
    const { end, length } = ends[k]!;
    if (length >= 15 && isValidIban(compact.slice(0, length))) return end;
  }
  return -1;
}

/** Capitalised words after a cue ("for Ion Popescu"): [start, end) or undefined. */
function nameAfterCue(text: string, cueEnd: number): [number, number] | undefined {
  let pos = cueEnd;
  let skipped = 0;
  while (pos < text.length && skipped < 3 && ' .:,"\'('.includes(text[pos]!)) {
    pos++;
    skipped++;
  }
  if (pos === cueEnd && !isLetterAt(text, pos)) return undefined;
  const start = pos;
  let end = -1;
  for (let words = 0; words < MAX_NAME_WORDS; words++) {
    if (!isLetterAt(text, pos)) break;
    const next = wordEnd(text, pos);
    if (isWordAt(text, next) || !isCapitalisedName(text.slice(pos, next))) break;
    end = next;
    const sep = nameSeparatorLength(text, next);
    if (!sep) break;
    pos = next + sep;
  }
  return end < 0 ? undefined : [start, end];
}

/** The value after `name=`, `name: `, `"name":"` : [start, end) or undefined. */
function valueAfterNameKey(text: string, keyEnd: number): [number, number] | undefined {
  let pos = keyEnd;
  if (text[pos] === '"' || text[pos] === "'") pos++;
  if (text[pos] !== '=' && text[pos] !== ':') {
    if (!startsWithUpper(text, '%3D', pos)) return undefined;
    pos += 2;
  }
  pos++;
  for (let k = 0; k < 2 && text[pos] === ' '; k++) pos++;
  const quote = text[pos] === '"' || text[pos] === "'" ? text[pos] : undefined;
  if (quote) {
    const close = text.indexOf(quote, pos + 1);
    if (close < 0 || close - pos > MAX_QUOTED_NAME) return undefined;
    return close > pos + 1 ? [pos + 1, close] : undefined;
  }
  const start = pos;
  let end = -1;
  for (let words = 0; words < MAX_NAME_WORDS + 1; words++) {
    if (!isLetterAt(text, pos)) break;
    end = wordEnd(text, pos);
    const sep = nameSeparatorLength(text, end);
    if (!sep || !isLetterAt(text, end + sep)) break;
    // in prose ("name: Ion Popescu failed") only capitalised words continue the name
    if (text[end] === ' ' && !isCapitalisedName(text.slice(end + 1, wordEnd(text, end + 1)))) break;
    pos = end + sep;
  }
  return end < 0 ? undefined : [start, end];
}

/**
 * A number of fewer than 8 digits standing alone (502, 1234.56 with its decimals read apart, 900 ms):
 * never PII, so the run reader is skipped.
 */
function shortLoneNumber(text: string, at: number): boolean {
  let pos = at;
  while (pos < text.length && pos - at < 8 && isDigit(text.charCodeAt(pos))) pos++;
  if (pos - at >= 8) return false;
  const c = text.charCodeAt(pos);
  if (c === 32 || c === 46 || c === 45) return !isDigit(text.charCodeAt(pos + 1)) && text.charCodeAt(pos + 1) !== 40;
  if (c === 41 || c === 37) return false;
  return !isDigit(c);
}

function keptAt(text: string, at: number, keep: readonly string[]): number {
  for (const value of keep) {
    if (value && text.startsWith(value, at) && !isWordAt(text, at + value.length)) return at + value.length;
  }
  return -1;
}

/** Masks every piece of patient data in `text`; see the module comment for what and how. */
export function scanText(text: string, options: ScanOptions = {}): string {
  const n = text.length;
  if (n === 0) return text;
  const known = options.knownNames && options.knownNames.size > 0 ? options.knownNames : undefined;
  const keep = options.keep ?? [];
  // where the next "@" and "%" are: an address needs one within its local part's 64 characters,
  // so most words are not scanned as addresses at all (indexOf is re-run only once passed: linear)
  let nextAt = text.indexOf('@');
  let nextPercent = text.indexOf('%');
  // string concatenation builds a rope: cheaper than an array of slices joined at the end
  let out = '';
  let flushed = 0;
  const replace = (start: number, end: number, masked: string) => {
    out += text.slice(flushed, start) + masked;
    flushed = end;
  };
  const name = (start: number, end: number) => {
    options.onName?.(text.slice(start, end));
    replace(start, end, NAME_MASK);
  };
  let emailScannedTo = 0;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    const cls = code < 128 ? CLASS[code]! : classAt(text, i);
    // spaces and punctuation other than "+", "(" and "%" start nothing: the common case, decided first
    if ((cls & WORD) === 0 && code !== 43 && code !== 40 && code !== 37) {
      i++;
      continue;
    }
    const before = i === 0 ? 0 : classAt(text, i - 1);
    if (nextAt >= 0 && nextAt < i) nextAt = text.indexOf('@', i);
    if (nextPercent >= 0 && nextPercent < i) nextPercent = text.indexOf('%', i);
    const signNear = (nextAt >= 0 && nextAt - i <= 65) || (nextPercent >= 0 && nextPercent - i <= 65);
    if (signNear && i >= emailScannedTo && (cls & LOCAL) !== 0 && (before & LOCAL) === 0) {
      const email = scanEmail(text, i);
      emailScannedTo = email.runEnd;
      if (email.match) {
        replace(email.match.start, email.match.end, email.match.masked);
        i = email.match.end;
        continue;
      }
    }
    const wordStart = (before & WORD) === 0;
    if (!wordStart) {
      i++;
      continue;
    }
    if (keep.length) {
      const kept = keptAt(text, i, keep);
      if (kept >= 0) {
        i = kept;
        continue;
      }
    }
    const next = text.charCodeAt(i + 1);
    const numberStart =
      (cls & DIGIT) !== 0 ||
      ((code === 43 || code === 40) && isDigit(next)) ||
      (code === 37 && startsWithUpper(text, '%2B', i) && isDigit(text.charCodeAt(i + 3)));
    if (numberStart) {
      if (!numberMayStartAt(text, i)) {
        i = Math.max(i + 1, identifierEnd(text, i));
        continue;
      }
      if ((cls & DIGIT) !== 0 && shortLoneNumber(text, i)) {
        i = identifierEnd(text, i);
        continue;
      }
      const run = scanNumberRun(text, i);
      for (const match of run.matches) replace(match.start, match.end, numberMask(match.kind, match.digits));
      // an address glued to the run's last group (0721 234 567@sms.ro) is read from its own start
      const glued = text[run.end] === '@' || text[run.end] === '%';
      i = run.matches.length || !glued ? Math.max(run.end, i + 1) : Math.max(i + 1, identifierEnd(text, i));
      continue;
    }
    if ((cls & WORD) === 0) {
      i++;
      continue;
    }
    // one scan over the identifier, noting what it holds (letters only is the common case)
    let identEnd = i;
    let held = 0;
    while (identEnd < n) {
      const c = text.charCodeAt(identEnd);
      const k = c < 128 ? CLASS[c]! : classAt(text, identEnd);
      if ((k & WORD) === 0) break;
      held |= (k & (LETTER | DIGIT)) === 0 ? UNDERSCORE : k;
      identEnd++;
    }
    if (
      isUpperAscii(code) &&
      isUpperAscii(next) &&
      isDigit(text.charCodeAt(i + 2)) &&
      isDigit(text.charCodeAt(i + 3))
    ) {
      const end = ibanAt(text, i);
      if (end > 0) {
        replace(i, end, '[masked iban]');
        i = end;
        continue;
      }
    }
    if (!isLetterAt(text, i)) {
      i = identEnd;
      continue;
    }
    // a letters-only identifier is the word, unless a hyphen or apostrophe joins another (Ana-Maria)
    const joined = text.charCodeAt(identEnd) === 45 || text.charCodeAt(identEnd) === 39;
    const end = (held & (DIGIT | UNDERSCORE)) === 0 && !joined ? identEnd : wordEnd(text, i);
    if (end < identEnd && text[end] !== '_') {
      // a word glued to digits (req_..., v2, abc123): an identifier, not a name
      i = identEnd;
      continue;
    }
    if (end < identEnd) {
      // snake_case keys: patient_name=..., full_name: ...
      const key = text.slice(i, identEnd);
      const value = /^[\p{L}_]+$/u.test(key) && isNameKey(key) ? valueAfterNameKey(text, identEnd) : undefined;
      if (value) {
        name(value[0], value[1]);
        i = value[1];
      } else i = identEnd;
      continue;
    }
    // most words are neither a cue nor a name key: decide that from their letters before folding
    const length = end - i;
    const maybeCue = length <= 11 && CUE_SHAPES.has((code | 32) * 64 + length);
    // name, fullName, nume, prenume: ends in "me" ("name", "nume"), checked before folding
    const maybeKey = length >= 4 && (text.charCodeAt(end - 1) | 32) === 101 && (text.charCodeAt(end - 2) | 32) === 109;
    if (!known && !maybeCue && !maybeKey) {
      i = end;
      continue;
    }
    const folded = foldWord(text.slice(i, end));
    if (known) {
      const knownEnd = known.matchAt(text, end, folded);
      if (knownEnd > 0) {
        replace(i, knownEnd, NAME_MASK);
        i = knownEnd;
        continue;
      }
    }
    if (maybeCue && isCueWord(folded)) {
      const found = nameAfterCue(text, end);
      if (found) {
        name(found[0], found[1]);
        i = found[1];
        continue;
      }
    } else if (maybeKey && isNameKey(folded)) {
      const value = valueAfterNameKey(text, end);
      if (value) {
        name(value[0], value[1]);
        i = value[1];
        continue;
      }
    }
    i = end;
  }
  return flushed === 0 ? text : out + text.slice(flushed);
}
