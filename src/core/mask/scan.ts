import {
  classOf,
  DIGIT,
  foldWord,
  isAsciiLetter,
  isDigit,
  isLetterAt,
  isUpperAscii,
  isWordAt,
  LETTER,
  LOCAL,
  NUMBER_SIGN,
  percentEscapeBefore,
  startsWithUpper,
  UPPER,
  WORD,
} from './chars.js';
import { isIbanCodes } from './checksums.js';
import { scanEmail } from './email.js';
import { isNameKey } from './keys.js';
import {
  isCapitalisedNameAt,
  isCueAt,
  isTechnicalWordAt,
  KnownNames,
  MAX_NAME_WORDS,
  mayBeCue,
  nameSeparatorLength,
  wordEnd,
} from './names.js';
import { CARD, CNP, NATIONAL_ID, numberMayStartAt, PHONE, runMatches, scanNumberRun } from './numbers.js';

/**
 * The scanner behind maskText: one pass from left to right. At each word start it tries, in
 * order, an e-mail address, a number (phone, CNP, national ID, card), an IBAN, a known name, a
 * name after a cue. Every look-ahead is bounded, and a position is never read again after the
 * scanner has moved past it, so the time is linear in the text's length whatever its content.
 */

export interface ScanOptions {
  /** names from the journey's patient-data fields */
  knownNames?: KnownNames;
  /**
   * exact values left alone, e.g. the correlation ID being traced (a numeric ID is not a phone);
   * indexed once per array (a masker passes the same one to every text), so do not change it after
   */
  keep?: readonly string[];
  /** called with every name found after a cue, so a masker can learn it for the journey's other texts */
  onName?: (name: string) => void;
}

export const NAME_MASK = '[masked]';

/** By number kind (numbers.ts): the mask; a phone keeps its last two digits (PHONE_MASKS). */
const NUMBER_MASKS: string[] = [];
NUMBER_MASKS[CNP] = '[masked cnp]';
NUMBER_MASKS[NATIONAL_ID] = '[masked id]';
NUMBER_MASKS[CARD] = '[masked card]';
// the last two digits tell two phone numbers apart in an incident without identifying anyone
const PHONE_MASKS = Array.from({ length: 100 }, (_, k) => `+***${String(k).padStart(2, '0')}`);

const MAX_IBAN_SCAN = 42;
const MAX_QUOTED_NAME = 100;
const CHUNK = 2048;
/** the characters skipped between a cue and its name: space . : , " ' ( */
const CUE_GAP = new Uint8Array(128);
for (const c of ' .:,"\'(') CUE_GAP[c.charCodeAt(0)] = 1;

/** End of a run of word characters (letters, digits, `_`). */
function identifierEnd(text: string, at: number): number {
  let pos = at;
  const n = text.length;
  while (pos < n && (classOf(text.charCodeAt(pos)) & WORD) !== 0) pos++;
  return pos;
}

const ibanCodes = new Uint8Array(34);
const ibanEnds = new Int32Array(34);

/**
 * An IBAN at `at` (two letters and two digits), compact or in groups of four; its end, or -1. Its
 * letters are all capitals or, as in a URL (ro49aaaa...), all lower case, as its country code is.
 */
function ibanAt(text: string, at: number): number {
  let length = 0;
  const ends = ibanEnds;
  let pos = at;
  const limit = Math.min(text.length, at + MAX_IBAN_SCAN);
  const lower = !isUpperAscii(text.charCodeAt(at));
  while (pos < limit && length < 34) {
    const code = text.charCodeAt(pos);
    if (isDigit(code) || (lower ? code >= 97 && code <= 122 : isUpperAscii(code))) {
      ibanCodes[length++] = code;
      pos++;
      // the end of a word: where an IBAN of this length would end
      ends[length - 1] = isWordAt(text, pos) ? -1 : pos;
    } else if (code === 32 && isWordAt(text, pos + 1)) {
      pos++;
    } else break;
  }
  // longest first: "RO49 AAAA 1B31 0075 9384 0000 paid" ends at the last group that checks out
  for (let k = length; k >= 15; k--) {
    if (ends[k - 1]! >= 0 && isIbanCodes(ibanCodes, k)) return ends[k - 1]!;
  }
  return -1;
}

/** Capitalised words after a cue ("for Ion Popescu"): the name's end (its start in cueNameStart), or -1. */
let cueNameStart = 0;
function nameAfterCue(text: string, cueEnd: number): number {
  let pos = cueEnd;
  let skipped = 0;
  while (pos < text.length && skipped < 3) {
    const code = text.charCodeAt(pos);
    if (code >= 128 || CUE_GAP[code] === 0) break;
    pos++;
    skipped++;
  }
  if (pos === cueEnd && !isLetterAt(text, pos)) return -1;
  cueNameStart = pos;
  let end = -1;
  for (let words = 0; words < MAX_NAME_WORDS; words++) {
    if (!isLetterAt(text, pos)) break;
    const next = wordEnd(text, pos);
    if (isWordAt(text, next) || !isCapitalisedNameAt(text, pos, next)) break;
    end = next;
    const sep = nameSeparatorLength(text, next);
    if (!sep) break;
    pos = next + sep;
  }
  return end;
}

/**
 * text[start, end) is a lower-case hyphenated identifier, not a person's name: no capital letter,
 * only letters, digits, `_` and `-`, parts joined by hyphens, and one part a word of task or
 * service names or holding a digit (score-lead, sync-hubspot-v2). `ana-maria` or `ion-popescu`
 * have no such part: they stay masked, as does a single word (name=ion).
 */
function lowercaseIdentifier(text: string, start: number, end: number): boolean {
  let hyphen = false;
  let technical = false;
  let partStart = start;
  let partDigit = false;
  for (let k = start; k <= end; k++) {
    const code = k < end ? text.charCodeAt(k) : 45;
    if (code === 45) {
      if (k > start && k < end) hyphen = true;
      if (partDigit || (k > partStart && isTechnicalWordAt(text, partStart, k))) technical = true;
      partStart = k + 1;
      partDigit = false;
      continue;
    }
    const flags = classOf(code);
    if ((flags & WORD) === 0 || (flags & UPPER) !== 0) return false;
    if ((flags & LETTER) === 0) partDigit = true;
  }
  return hyphen && technical;
}

/** End of the token after a name key: letters, digits, `_` and `-` (what an identifier is made of). */
function tokenEnd(text: string, at: number): number {
  let pos = at;
  while (pos < text.length && pos - at < MAX_QUOTED_NAME) {
    const code = text.charCodeAt(pos);
    if ((classOf(code) & WORD) === 0 && code !== 45) break;
    pos++;
  }
  return pos;
}

/** The value after `name=`, `name: `, `"name":"` : its end (its start in keyValueStart), or -1. */
let keyValueStart = 0;
function valueAfterNameKey(text: string, keyEnd: number): number {
  let pos = keyEnd;
  if (text[pos] === '"' || text[pos] === "'") pos++;
  if (text[pos] !== '=' && text[pos] !== ':') {
    if (!startsWithUpper(text, '%3D', pos)) return -1;
    pos += 2;
  }
  pos++;
  for (let k = 0; k < 2 && text[pos] === ' '; k++) pos++;
  const quote = text[pos] === '"' || text[pos] === "'" ? text[pos] : undefined;
  if (quote) {
    const close = text.indexOf(quote, pos + 1);
    if (close < 0 || close - pos > MAX_QUOTED_NAME || close === pos + 1) return -1;
    if (lowercaseIdentifier(text, pos + 1, close)) return -1;
    keyValueStart = pos + 1;
    return close;
  }
  const token = tokenEnd(text, pos);
  if (lowercaseIdentifier(text, pos, token)) return -1;
  keyValueStart = pos;
  // a handle (ion_popescu85): the whole token, not its first word only
  const first = wordEnd(text, pos);
  if (first > pos && first < token && text.charCodeAt(first) !== 45) return token;
  let end = -1;
  for (let words = 0; words < MAX_NAME_WORDS + 1; words++) {
    if (!isLetterAt(text, pos)) break;
    end = wordEnd(text, pos);
    const sep = nameSeparatorLength(text, end);
    if (!sep || !isLetterAt(text, end + sep)) break;
    // in prose ("name: Ion Popescu failed") only capitalised words continue the name
    if (text.charCodeAt(end) === 32 && !isCapitalisedNameAt(text, end + 1, wordEnd(text, end + 1))) break;
    pos = end + sep;
  }
  return end;
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

/**
 * The exact values left alone (the traced correlation ID; every listed ID for --failed), by a
 * hash of their first characters, then of their whole length: a word start costs a hash and a
 * map lookup or two, not one comparison per value (thousands of IDs sharing a prefix, times
 * thousands of texts, was quadratic).
 */
class KeptValues {
  /** by the hash of the first `head` characters: the lengths there, and the values by whole hash */
  private readonly byHead = new Map<number, { lengths: number[]; byHash: Map<number, number[]> }>();
  private readonly head: number;
  /** 1 for the (ASCII) first character of a kept value: most words start with another and cost one lookup */
  private readonly firsts = new Uint8Array(128);
  private nonAsciiFirst = false;

  constructor(private readonly values: readonly string[]) {
    const lengths = values.filter((value) => value.length > 0).map((value) => value.length);
    this.head = Math.min(8, ...lengths);
    values.forEach((value, index) => {
      if (!value) return;
      const first = value.charCodeAt(0);
      if (first < 128) this.firsts[first] = 1;
      else this.nonAsciiFirst = true;
      const key = KeptValues.hash(value, 0, this.head);
      let bucket = this.byHead.get(key);
      if (bucket === undefined) this.byHead.set(key, (bucket = { lengths: [], byHash: new Map() }));
      if (!bucket.lengths.includes(value.length)) bucket.lengths.push(value.length);
      const whole = KeptValues.hash(value, 0, value.length);
      const same = bucket.byHash.get(whole);
      if (same) same.push(index);
      else bucket.byHash.set(whole, [index]);
    });
  }

  private static hash(text: string, at: number, length: number): number {
    let h = length;
    for (let k = at; k < at + length; k++) h = (Math.imul(h, 31) + text.charCodeAt(k)) | 0;
    return h;
  }

  get empty(): boolean {
    return this.byHead.size === 0;
  }

  /** Where a kept value starting at `at` (and ending a word) ends, or -1; the caller's first value wins. */
  endAt(text: string, at: number): number {
    const code = text.charCodeAt(at);
    if (code < 128 ? this.firsts[code] === 0 : !this.nonAsciiFirst) return -1;
    if (at + this.head > text.length) return -1;
    const bucket = this.byHead.get(KeptValues.hash(text, at, this.head));
    if (bucket === undefined) return -1;
    let first = -1;
    for (const length of bucket.lengths) {
      if (at + length > text.length || isWordAt(text, at + length)) continue;
      const indexes = bucket.byHash.get(KeptValues.hash(text, at, length));
      if (indexes === undefined) continue;
      for (const index of indexes) {
        if ((first < 0 || index < first) && text.startsWith(this.values[index]!, at)) first = index;
      }
    }
    return first < 0 ? -1 : at + this.values[first]!.length;
  }
}

/** One index per keep list: a masker passes the same list to every text it masks. */
const keptIndexes = new WeakMap<readonly string[], KeptValues>();
function keptValues(keep: readonly string[] | undefined): KeptValues | undefined {
  if (keep === undefined || keep.length === 0) return undefined;
  let index = keptIndexes.get(keep);
  if (index === undefined) keptIndexes.set(keep, (index = new KeptValues(keep)));
  return index.empty ? undefined : index;
}

/** A snake_case key that may be a name key (full_name, patient_nume, numele, numecomplet): ends in "e" or "t". */
function mayBeNameKey(text: string, start: number, end: number): boolean {
  let last = end - 1;
  while (last > start && text.charCodeAt(last) === 95) last--;
  const code = text.charCodeAt(last) | 32;
  return code === 101 || code === 116;
}

/** Masks every piece of patient data in `text`; see the module comment for what and how. */
export function scanText(text: string, options: ScanOptions = {}): string {
  const n = text.length;
  if (n === 0) return text;
  const known = options.knownNames && options.knownNames.size > 0 ? options.knownNames : undefined;
  const kept = keptValues(options.keep);
  const onName = options.onName;
  // where the next "@" and "%" are: an address needs one within its local part's 64 characters,
  // so most words are not scanned as addresses at all. Searched at the first word start, then
  // again only once passed (-1: none left), so the searches add up to one pass. Not before the
  // loop: there the optimised code searched the whole text again at every character on some
  // inputs ('(+' repeated: 14 s for 1 MB instead of 10 ms).
  let nextAt = -2;
  let nextPercent = -2;
  // the text between masks, and the masks: joined every CHUNK pieces (few short-lived objects
  // survive to the end, which keeps garbage collection cheap on large texts), then once at the end
  let parts: string[] | undefined;
  let chunks: string[] | undefined;
  let flushed = 0;
  const replace = (start: number, end: number, masked: string) => {
    if (parts === undefined) parts = [];
    else if (parts.length >= CHUNK) {
      if (chunks === undefined) chunks = [];
      chunks.push(parts.join(''));
      parts.length = 0;
    }
    parts.push(text.slice(flushed, start), masked);
    flushed = end;
  };
  const name = (start: number, end: number) => {
    if (onName) onName(text.slice(start, end));
    replace(start, end, NAME_MASK);
  };
  let emailScannedTo = 0;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    let cls = classOf(code);
    // spaces and punctuation other than "+", "(" and "%" start nothing: the common case, skipped in a tight loop
    if ((cls & (WORD | NUMBER_SIGN)) === 0) {
      do {
        if (++i >= n) break;
        code = text.charCodeAt(i);
        cls = classOf(code);
      } while ((cls & (WORD | NUMBER_SIGN)) === 0);
      if (i >= n) break;
    }
    const before = i === 0 ? 0 : classOf(text.charCodeAt(i - 1));
    if (nextAt !== -1 && nextAt < i) nextAt = text.indexOf('@', i);
    if (nextPercent !== -1 && nextPercent < i) nextPercent = text.indexOf('%', i);
    if (
      ((nextAt >= 0 && nextAt - i <= 65) || (nextPercent >= 0 && nextPercent - i <= 65)) &&
      i >= emailScannedTo &&
      (cls & LOCAL) !== 0 &&
      (before & LOCAL) === 0
    ) {
      const email = scanEmail(text, i);
      emailScannedTo = email.runEnd;
      if (email.match) {
        replace(email.match.start, email.match.end, email.match.masked);
        i = email.match.end;
        continue;
      }
    }
    // inside a word nothing starts, except a number after a percent escape (tel%3A%2B40...)
    if ((before & WORD) !== 0 && !(code === 37 && percentEscapeBefore(text, i))) {
      i++;
      continue;
    }
    if (kept !== undefined) {
      const keptEnd = kept.endAt(text, i);
      if (keptEnd >= 0) {
        i = keptEnd;
        continue;
      }
    }
    const next = text.charCodeAt(i + 1);
    // a letter starts a word, never a number: the common case skips the number tests
    const numberStart =
      (cls & LETTER) === 0 &&
      ((cls & DIGIT) !== 0 ||
        ((code === 43 || code === 40) && isDigit(next)) ||
        (code === 40 && next === 43 && isDigit(text.charCodeAt(i + 2))) ||
        (code === 37 && startsWithUpper(text, '%2B', i) && isDigit(text.charCodeAt(i + 3))));
    if (numberStart) {
      if (!numberMayStartAt(text, i)) {
        i = Math.max(i + 1, identifierEnd(text, i));
        continue;
      }
      if ((cls & DIGIT) !== 0 && shortLoneNumber(text, i)) {
        i = identifierEnd(text, i);
        continue;
      }
      const runEnd = scanNumberRun(text, i);
      const found = runMatches.count;
      for (let m = 0; m < found; m++) {
        const kind = runMatches.kind[m]!;
        replace(
          runMatches.start[m]!,
          runMatches.end[m]!,
          kind === PHONE ? PHONE_MASKS[runMatches.lastTwo[m]!]! : NUMBER_MASKS[kind]!,
        );
      }
      // an address glued to the run's last group (0721 234 567@sms.ro) is read from its own start
      const glued = text.charCodeAt(runEnd) === 64 || text.charCodeAt(runEnd) === 37;
      i = found || !glued ? Math.max(runEnd, i + 1) : Math.max(i + 1, identifierEnd(text, i));
      continue;
    }
    if ((cls & WORD) === 0) {
      i++;
      continue;
    }
    // one scan over the identifier, noting what it holds (letters only is the common case)
    let identEnd = i + 1;
    let held = cls;
    let underscore = (cls & (LETTER | DIGIT)) === 0;
    let ascii = code < 128;
    // lower-case ASCII letters, most of a word, in the tightest loop (NaN past the end stops it)
    let lower = text.charCodeAt(identEnd);
    while (lower >= 97 && lower <= 122) lower = text.charCodeAt(++identEnd);
    while (identEnd < n) {
      const c = text.charCodeAt(identEnd);
      const k = classOf(c);
      if ((k & WORD) === 0) break;
      if ((k & (LETTER | DIGIT)) === 0) underscore = true;
      if (c >= 128) ascii = false;
      held |= k;
      identEnd++;
    }
    if (
      identEnd - i >= 4 &&
      isAsciiLetter(code) &&
      isAsciiLetter(next) &&
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
    if ((cls & LETTER) === 0) {
      i = identEnd;
      continue;
    }
    // a letters-only identifier is the word, unless a hyphen or apostrophe joins another (Ana-Maria)
    const after = text.charCodeAt(identEnd);
    const joined = after === 45 || after === 39;
    const end = (held & DIGIT) === 0 && !underscore && !joined ? identEnd : wordEnd(text, i);
    if (end < identEnd && text.charCodeAt(end) !== 95) {
      // a word glued to digits (req_..., v2, abc123): an identifier, not a name
      i = identEnd;
      continue;
    }
    if (end < identEnd) {
      // snake_case keys: patient_name=..., full_name: ...
      if ((held & DIGIT) === 0 && mayBeNameKey(text, i, identEnd) && isNameKey(text.slice(i, identEnd))) {
        const valueEnd = valueAfterNameKey(text, identEnd);
        if (valueEnd >= 0) {
          name(keyValueStart, valueEnd);
          i = valueEnd;
          continue;
        }
      }
      i = identEnd;
      continue;
    }
    // most words are neither a known name, a cue nor a name key: decided from their letters before folding
    const length = end - i;
    const maybeCue = mayBeCue(code, length);
    // name, fullName, nume, prenume: ends in "me" ("name", "nume"), checked before folding
    const maybeKey = length >= 4 && (text.charCodeAt(end - 1) | 32) === 101 && (text.charCodeAt(end - 2) | 32) === 109;
    const maybeKnown = known !== undefined && (!ascii || joined || known.mayStartAt(text, i, end));
    if (!maybeKnown && !maybeCue && !maybeKey) {
      i = end;
      continue;
    }
    if (maybeKnown) {
      const knownEnd = known!.matchAt(text, end, foldWord(text.slice(i, end)));
      if (knownEnd > 0) {
        replace(i, knownEnd, NAME_MASK);
        i = knownEnd;
        continue;
      }
    }
    if (maybeCue && isCueAt(text, i, end)) {
      const found = nameAfterCue(text, end);
      if (found >= 0) {
        name(cueNameStart, found);
        i = found;
        continue;
      }
    } else if (maybeKey && isNameKey(foldWord(text.slice(i, end)))) {
      const valueEnd = valueAfterNameKey(text, end);
      if (valueEnd >= 0) {
        name(keyValueStart, valueEnd);
        i = valueEnd;
        continue;
      }
    }
    i = end;
  }
  if (parts === undefined) return text;
  parts.push(text.slice(flushed));
  if (chunks === undefined) return parts.join('');
  chunks.push(parts.join(''));
  return chunks.join('');
}
