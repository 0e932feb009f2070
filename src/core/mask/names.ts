import { foldWord, isLetterAt, startsWithUpper } from './chars.js';

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

/** A key-value cue: a word ending in "name" or "nume" (name, patientName, full_name, nume, prenume). */
export function isNameKeyWord(folded: string): boolean {
  return folded.endsWith('name') || folded.endsWith('nume');
}

/** first letter (lower case) * 64 + length of every cue word: a word of another shape is not folded at all */
export const CUE_SHAPES = new Set([...TITLE_CUES].map((cue) => cue.charCodeAt(0) * 64 + cue.length));

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
    }
    if (asName) {
      for (const word of letterWords) if (word.length >= 3 && !isNotAName(word)) this.parts.add(word);
    }
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
