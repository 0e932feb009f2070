/**
 * Character classes for the scanner, by char code: one Uint8Array of flags for the whole BMP, so
 * the hot loop never runs a regular expression or builds a one-character string. ASCII is filled
 * at load; any other code is classified the first time it is seen (one `\p{L}` test, then cached).
 */

/** Bit flags of a character. */
export const WORD = 1;
export const LETTER = 2;
export const DIGIT = 4;
/** a character of an e-mail address's local part: letters, digits, `_ . % + -` */
export const LOCAL = 8;
/** changed by toLowerCase (an upper-case letter) */
export const UPPER = 16;
/** changed by toUpperCase (a lower-case letter) */
export const LOWER = 32;
/** "+", "(" or "%": may start a number (+40 ..., (0721) ..., %2B40 ...) */
export const NUMBER_SIGN = 64;
const CLASSIFIED = 128;

const NON_ASCII_LETTER = /\p{L}/u;

function classify(code: number): number {
  let flags = CLASSIFIED;
  if (code < 128) {
    if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) flags |= WORD | LETTER | LOCAL;
    if (code >= 65 && code <= 90) flags |= UPPER;
    if (code >= 97 && code <= 122) flags |= LOWER;
    if (code >= 48 && code <= 57) flags |= WORD | DIGIT | LOCAL;
    if (code === 95) flags |= WORD | LOCAL;
    if (code === 46 || code === 37 || code === 43 || code === 45) flags |= LOCAL;
    if (code === 43 || code === 40 || code === 37) flags |= NUMBER_SIGN;
    return flags;
  }
  const char = String.fromCharCode(code);
  if (NON_ASCII_LETTER.test(char)) flags |= WORD | LETTER;
  if (char.toLowerCase() !== char) flags |= UPPER;
  if (char.toUpperCase() !== char) flags |= LOWER;
  return flags;
}

const TABLE = new Uint8Array(65_536);
for (let c = 0; c < 128; c++) TABLE[c] = classify(c);

/** The flags of a char code (a lone surrogate half is no letter, as `\p{L}` on one UTF-16 unit says). */
export function classOf(code: number): number {
  const flags = TABLE[code]!;
  if (flags !== 0) return flags;
  return (TABLE[code] = classify(code));
}

/** The class flags of the character at `index` (0 outside the text). */
export function classAt(text: string, index: number): number {
  if (index < 0 || index >= text.length) return 0;
  return classOf(text.charCodeAt(index));
}

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
  return (classAt(text, index) & LETTER) !== 0;
}

/** Letters, digits and `_`: the characters of a word or identifier. */
export function isWordAt(text: string, index: number): boolean {
  return (classAt(text, index) & WORD) !== 0;
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

/** Case-insensitive `text.startsWith(lower, at)` for a lower-case ASCII word. */
export function startsWithLower(text: string, lower: string, at: number): boolean {
  if (at + lower.length > text.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let code = text.charCodeAt(at + k);
    if (code >= 65 && code <= 90) code += 32;
    if (code !== lower.charCodeAt(k)) return false;
  }
  return true;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Lower case without diacritics, so "Ștefan" and "stefan" are the same name. */
export function foldWord(word: string): string {
  const lower = word.toLowerCase();
  return ASCII_ONLY.test(lower) ? lower : lower.normalize('NFD').replace(/\p{M}/gu, '');
}
