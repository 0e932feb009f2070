/** Character classes for the scanner, by char code: an ASCII fast path, Unicode letters by a one-character test. */

const NON_ASCII_LETTER = /\p{L}/u;

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

export function isUpperAscii(code: number): boolean {
  return code >= 65 && code <= 90;
}

export function isHex(code: number): boolean {
  return isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** A letter in any script (ș, ț, ă, î, â, é, ö ...). */
export function isLetterAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  if (code < 128) return isAsciiLetter(code);
  return NON_ASCII_LETTER.test(text[index]!);
}

/** Letters, digits and `_`: the characters of a word or identifier. */
export function isWordAt(text: string, index: number): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  if (code < 128) return isAsciiLetter(code) || isDigit(code) || code === 95;
  return NON_ASCII_LETTER.test(text[index]!);
}

/** `%XX` ends just before `index` (a percent-encoded separator such as `%3D` or `%20`). */
export function percentEscapeBefore(text: string, index: number): boolean {
  return (
    index >= 3 &&
    text.charCodeAt(index - 3) === 37 &&
    isHex(text.charCodeAt(index - 2)) &&
    isHex(text.charCodeAt(index - 1))
  );
}

/** Case-insensitive `text.startsWith(prefix, at)` for an ASCII prefix written in upper case. */
export function startsWithUpper(text: string, prefix: string, at: number): boolean {
  if (at + prefix.length > text.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    let code = text.charCodeAt(at + k);
    if (code >= 97 && code <= 122) code -= 32;
    if (code !== prefix.charCodeAt(k)) return false;
  }
  return true;
}

/** Lower case without diacritics, so "Ștefan" and "stefan" are the same name. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Bit flags of an ASCII character, looked up in CLASS instead of calling the predicates in the hot loop. */
export const WORD = 1;
export const LETTER = 2;
export const DIGIT = 4;
export const LOCAL = 8;
export const UPPER = 16;

export const CLASS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    let flags = 0;
    if (isAsciiLetter(c)) flags |= WORD | LETTER | LOCAL;
    if (isUpperAscii(c)) flags |= UPPER;
    if (isDigit(c)) flags |= WORD | DIGIT | LOCAL;
    if (c === 95) flags |= WORD | LOCAL;
    if (c === 46 || c === 37 || c === 43 || c === 45) flags |= LOCAL;
    table[c] = flags;
  }
  return table;
})();

/** The class flags of the character at `index` (0 outside the text; non-ASCII letters are WORD | LETTER). */
export function classAt(text: string, index: number): number {
  if (index < 0 || index >= text.length) return 0;
  const code = text.charCodeAt(index);
  if (code < 128) return CLASS[code]!;
  return NON_ASCII_LETTER.test(text[index]!) ? WORD | LETTER : 0;
}
