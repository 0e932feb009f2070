import { isAsciiLetter, isDigit, startsWithUpper } from './chars.js';

/**
 * E-mail addresses, also percent-encoded (`ion.popescu%40gmail.com`, `%2540` twice encoded) and
 * inside URLs (`mailto:`, `?email=`). Both halves are read with bounded lengths.
 */

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** A character of an address's local part (percent escapes included). */
export function isLocalChar(code: number): boolean {
  return (
    isAsciiLetter(code) || isDigit(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45
  );
}

/** The length of the `@` at `at`: 1 for `@`, 3 for `%40`, 5 for `%2540`; 0 when there is none. */
function atSignLength(text: string, at: number): number {
  const code = text.charCodeAt(at);
  if (code === 64) return 1;
  if (code !== 37) return 0;
  if (startsWithUpper(text, '%40', at)) return 3;
  if (startsWithUpper(text, '%2540', at)) return 5;
  return 0;
}

export interface EmailMatch {
  start: number;
  end: number;
  masked: string;
}

/**
 * The address whose local part starts at `at` (the caller guarantees a non-local character
 * before it), or where the local-part run ends when there is none, so it is not read again.
 */
export function scanEmail(text: string, at: number): { match?: EmailMatch; runEnd: number } {
  let pos = at;
  const limit = Math.min(text.length, at + MAX_LOCAL + 1);
  while (pos < limit) {
    const sign = atSignLength(text, pos);
    if (sign && pos > at) return domainAfter(text, at, pos, sign);
    if (!isLocalChar(text.charCodeAt(pos))) return { runEnd: pos };
    pos++;
  }
  while (pos < text.length && isLocalChar(text.charCodeAt(pos))) pos++;
  return { runEnd: pos };
}

function domainAfter(
  text: string,
  start: number,
  atPos: number,
  signLength: number,
): { match?: EmailMatch; runEnd: number } {
  let pos = atPos + signLength;
  const domainStart = pos;
  const limit = Math.min(text.length, domainStart + MAX_DOMAIN);
  let lastDot = -1;
  while (pos < limit) {
    const code = text.charCodeAt(pos);
    if (code === 46) {
      if (pos === domainStart || text.charCodeAt(pos - 1) === 46) break;
      lastDot = pos;
    } else if (!(isAsciiLetter(code) || isDigit(code) || code === 45)) break;
    pos++;
  }
  // a trailing dot ends the sentence, not the domain
  let end = pos;
  if (text.charCodeAt(end - 1) === 46) {
    end--;
    lastDot = text.lastIndexOf('.', end - 1);
    if (lastDot < domainStart) lastDot = -1;
  }
  const tld = lastDot > domainStart ? text.slice(lastDot + 1, end) : '';
  if (!/^[A-Za-z]{2,24}$/.test(tld)) return { runEnd: atPos + signLength };
  return { match: { start, end, masked: `${text[start]}***@***.${tld}` }, runEnd: end };
}
