import { classOf, foldWord, isLetterAt, LETTER, LOWER, startsWithLower, startsWithUpper, UPPER } from './chars.js';

/**
 * Names: those known from patient-data fields of the journey (matched as whole word sequences,
 * and their single parts), and those written after a cue in free text ("patient Ion Popescu",
 * "pentru Maria Ionescu", "Dl. Popa", "name=Ion+Popescu").
 */

/** Longest name the scanner reads after a cue, in words. */
export const MAX_NAME_WORDS = 3;
const MAX_WORD = 40;
const MAX_SEQUENCE = 6;

/** Capitalised words that are not names (services, days, months, words of the platform's messages). */
const NOT_NAMES = new Set(
  `
the this that these those he she it we they you his her their our your a an in on at to from with by and or not no
yes null none unknown anonymous undefined error failed failure timeout timed rejected retry retries ok
lead leads patient patients pacient pacientul pacienta contact contacts appointment appointments booking bookings
api http https url cnp id ids sms mms otp pin iban card email mail phone tel fax uuid json yaml html sql gdpr
hubspot whatsapp stripe openai anthropic google places trigger vapi redis postgres postgresql voice crm webhook
webhooks task tasks run runs saga sagas step steps event events dead letter letters queue job jobs worker
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december luni marti miercuri joi vineri sambata duminica ianuarie februarie martie
aprilie mai iunie iulie septembrie octombrie noiembrie decembrie
si sau de la cu pe din nu da programare programarea consultatie tratament implant clinica clinic doctor dr
romania bucuresti cluj iasi timisoara constanta brasov europe utc gmt eet eest cet
director manager admin administrator support team user users client clients operator agent bot system staff
`
    .split(/\s+/)
    .filter(Boolean),
);

/** Cues after which capitalised words are a person's name. */
const TITLE_CUES = new Set([
  'patient',
  'patientul',
  'pacient',
  'pacientul',
  'pacienta',
  'pacientei',
  'pacientului',
  'pentru',
  'for',
  'dl',
  'dna',
  'd-na',
  'd-l',
  'd-nei',
  'd-lui',
  'dnei',
  'dlui',
  'domnul',
  'doamna',
  'doamnei',
  'domnului',
  'mr',
  'mrs',
  'ms',
  'miss',
]);

export function isNotAName(folded: string): boolean {
  return NOT_NAMES.has(folded);
}

export function isCueWord(folded: string): boolean {
  return TITLE_CUES.has(folded);
}

/**
 * A set of folded (lower-case, ASCII) words that answers for a word of the text without slicing
 * it: an open-addressing hash table over the word's lower-cased char codes, then one in-place
 * comparison. A non-ASCII word is folded first (the rare case: a diacritic folds to its letter).
 */
class WordSet {
  private readonly list: string[];
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly words: ReadonlySet<string>) {
    this.list = [...words];
    let size = 16;
    while (size < this.list.length * 4) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (const [index, word] of this.list.entries()) {
      let slot = WordSet.hash(word, 0, word.length) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = index + 1;
    }
  }

  /** a hash of the lower-cased ASCII codes; -1 when the word holds a non-ASCII character */
  private static hash(text: string, start: number, end: number): number {
    let h = end - start;
    for (let k = start; k < end; k++) {
      let code = text.charCodeAt(k);
      if (code >= 128) return -1;
      if (code >= 65 && code <= 90) code += 32;
      h = (Math.imul(h, 31) + code) | 0;
    }
    return h & 0x3fffffff;
  }

  hasAt(text: string, start: number, end: number): boolean {
    const h = WordSet.hash(text, start, end);
    if (h < 0) return this.words.has(foldWord(text.slice(start, end)));
    const length = end - start;
    for (let slot = h & this.mask; this.slots[slot] !== 0; slot = (slot + 1) & this.mask) {
      const word = this.list[this.slots[slot]! - 1]!;
      if (word.length === length && startsWithLower(text, word, start)) return true;
    }
    return false;
  }
}

const NOT_NAME_WORDS = new WordSet(NOT_NAMES);

/** Words of task, queue, saga and service names (score-lead, sync-hubspot, lead-onboarding): no one's name. */
const TECHNICAL_WORDS = new WordSet(
  new Set(
    `
lead leads score scoring sync send task tasks job jobs queue worker service services api run runs step steps event
events saga sagas journey failure failed retry replay webhook webhooks cron check checks update create delete upsert
import export notify notification notifications reminder reminders booking bookings appointment appointments contact
contacts hubspot whatsapp stripe vapi openai anthropic trigger onboarding outbound inbound daily hourly nightly batch
sms email mail voice call calls report reports sla budget dlq cache redis postgres db prod staging dev test consent
payment payments invoice sla gdpr crm patient journey
`
      .split(/\s+/)
      .filter(Boolean),
  ),
);

/** text[start, end) is a word used in task and service names (lead, sync, webhook ...). */
export function isTechnicalWordAt(text: string, start: number, end: number): boolean {
  return TECHNICAL_WORDS.hasAt(text, start, end);
}
const CUE_WORDS = new WordSet(TITLE_CUES);

/** The cue word text[start, end) ("pentru", "Dna", "for" ...), compared without case or diacritics. */
export function isCueAt(text: string, start: number, end: number): boolean {
  return CUE_WORDS.hasAt(text, start, end);
}

/** A key-value cue: a word ending in "name" or "nume" (name, patientName, full_name, nume, prenume). */
export function isNameKeyWord(folded: string): boolean {
  return folded.endsWith('name') || folded.endsWith('nume');
}

/** By a cue's first letter (lower-case ASCII code): the bit set of cue lengths; other words are not looked up */
export const CUE_LENGTHS = (() => {
  const table = new Uint16Array(128);
  for (const cue of TITLE_CUES) table[cue.charCodeAt(0)]! |= 1 << cue.length;
  return table;
})();

/** The word of `length` starting with char code `first` may be a cue (a bit test, no lookup). */
export function mayBeCue(first: number, length: number): boolean {
  return first < 128 && length < 16 && (CUE_LENGTHS[first | 32]! & (1 << length)) !== 0;
}

/** The end of the letter word at `at` (letters, joined by inner `-` or `'` between letters). */
export function wordEnd(text: string, at: number): number {
  let pos = at;
  const limit = Math.min(text.length, at + MAX_WORD);
  while (pos < limit) {
    if (isLetterAt(text, pos)) pos++;
    else if ((text[pos] === '-' || text[pos] === "'") && pos > at && isLetterAt(text, pos + 1)) pos++;
    else break;
  }
  return pos;
}

/** Ion, Popescu-Ionescu, POPESCU (a capital, then lower case; or three or more capitals). */
export function isCapitalisedName(word: string): boolean {
  if (word.length < 2) return false;
  const first = word[0]!;
  if (first === first.toLowerCase()) return false;
  const rest = word.slice(1);
  if (rest === rest.toUpperCase()) return word.length >= 3 && !/[^\p{L}]/u.test(word) && !isNotAName(foldWord(word));
  for (const part of word.split('-')) {
    if (!part || part[0] === part[0]!.toLowerCase() || part.slice(1) !== part.slice(1).toLowerCase()) return false;
  }
  return !isNotAName(foldWord(word));
}

/**
 * The word text[start, end) is capitalised like a name (see isCapitalisedName), without slicing
 * it unless it has the shape: then it is looked up in the words that are not names.
 */
export function isCapitalisedNameAt(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  const first = classOf(text.charCodeAt(start));
  if ((first & UPPER) === 0) return false;
  // one pass: a lower-case letter after the first (else ALL CAPS), only letters, and each
  // hyphen-joined part a capital then no capital (Popescu-Ionescu)
  let restHasLower = false;
  let allLetters = (first & LETTER) !== 0;
  let partsCapitalised = true;
  let partStart = false;
  for (let k = start + 1; k < end; k++) {
    const code = text.charCodeAt(k);
    const flags = classOf(code);
    if ((flags & LOWER) !== 0) restHasLower = true;
    if ((flags & LETTER) === 0) allLetters = false;
    if (partStart) {
      if ((flags & UPPER) === 0) partsCapitalised = false;
      partStart = false;
    } else if (code === 45 || (code === 39 && k === start + 1)) partStart = true;
    else if ((flags & UPPER) !== 0) partsCapitalised = false;
  }
  if (!restHasLower) return end - start >= 3 && allLetters && !NOT_NAME_WORDS.hasAt(text, start, end);
  return partsCapitalised && !partStart && !NOT_NAME_WORDS.hasAt(text, start, end);
}

/** The separators allowed between the words of one name: a space, `+` or `%20` (in URLs). */
export function nameSeparatorLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === 32 || c === 43) return 1;
  if (startsWithUpper(text, '%20', at)) return 3;
  return 0;
}

/** Names known from patient-data fields, folded, indexed by their first word. */
export class KnownNames {
  private readonly sequences = new Map<string, string[][]>();
  private readonly parts = new Set<string>();
  /** by first char code * 41 + length (capped at 40) of every ASCII first word: 1 when one may start here */
  private readonly asciiShapes = new Uint8Array(128 * 41);

  get size(): number {
    return this.sequences.size + this.parts.size;
  }

  /**
   * Adds a value seen under a patient-data field. `asName`: its single words (Popescu) are masked
   * on their own too; an address is masked only as a whole.
   */
  add(value: string, asName = true): void {
    const words = value.match(/[\p{L}\p{N}]+(?:['-][\p{L}\p{N}]+)*/gu)?.map(foldWord) ?? [];
    // numbers, phones and e-mails are found by their own patterns
    const letterWords = words.filter((w) => /\p{L}/u.test(w));
    if (letterWords.length === 0) return;
    if (words.length <= MAX_SEQUENCE && value.length <= 200) {
      const list = this.sequences.get(words[0]!) ?? [];
      if (!list.some((seq) => seq.join(' ') === words.join(' '))) {
        list.push(words);
        list.sort((x, y) => y.length - x.length);
        this.sequences.set(words[0]!, list);
      }
      this.noteShape(words[0]!);
    }
    if (asName) {
      for (const word of letterWords) {
        if (word.length >= 3 && !isNotAName(word)) {
          this.parts.add(word);
          this.noteShape(word);
        }
      }
    }
  }

  private noteShape(folded: string): void {
    const first = folded.charCodeAt(0);
    if (first < 128) this.asciiShapes[first * 41 + Math.min(folded.length, 40)] = 1;
  }

  /**
   * False when no known name can start with the ASCII word text[start, end) (a folded ASCII word
   * keeps its length and lower-cases its first letter): most words are not folded at all.
   */
  mayStartAt(text: string, start: number, end: number): boolean {
    let first = text.charCodeAt(start);
    if (first >= 65 && first <= 90) first += 32;
    return this.asciiShapes[first * 41 + Math.min(end - start, 40)] === 1;
  }

  /** The end of a known name whose first word (folded) ends at firstEnd, or -1. */
  matchAt(text: string, firstEnd: number, firstFolded: string): number {
    const candidates = this.sequences.get(firstFolded);
    if (candidates) {
      for (const sequence of candidates) {
        let end = firstEnd;
        let k = 1;
        for (; k < sequence.length; k++) {
          let pos = end;
          let skipped = 0;
          while (pos < text.length && skipped < 3 && !isAlnumAt(text, pos)) {
            pos++;
            skipped++;
          }
          const next = wordEndAlnum(text, pos);
          if (next === pos || foldWord(text.slice(pos, next)) !== sequence[k]) break;
          end = next;
        }
        if (k === sequence.length) return end;
      }
    }
    return this.parts.has(firstFolded) ? firstEnd : -1;
  }
}

function isAlnumAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return (code >= 48 && code <= 57) || isLetterAt(text, at);
}

/** Letters and digits joined by inner `-` or `'`: a word as add() splits a known value. */
function wordEndAlnum(text: string, at: number): number {
  let pos = at;
  const limit = Math.min(text.length, at + MAX_WORD);
  while (pos < limit) {
    if (isAlnumAt(text, pos)) pos++;
    else if ((text[pos] === '-' || text[pos] === "'") && pos > at && isAlnumAt(text, pos + 1)) pos++;
    else break;
  }
  return pos;
}
