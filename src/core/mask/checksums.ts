/**
 * Checksums of the identifiers the policy masks. A checksum is what tells a CNP or a card number
 * from an order number or a correlation ID of the same length. The scanner calls the `...Digits`
 * forms on digit values it has already copied out (no string per candidate); the string forms
 * are for everyone else.
 */

/** Digit values (0-9) read by the checks: `digits[from] ... digits[from + length - 1]`. */
export type DigitValues = Uint8Array;

function toDigits(digits: string): DigitValues | undefined {
  const out = new Uint8Array(digits.length);
  for (let k = 0; k < digits.length; k++) {
    const d = digits.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return undefined;
    out[k] = d;
  }
  return out;
}

function number(digits: DigitValues, from: number, length: number): number {
  let value = 0;
  for (let k = 0; k < length; k++) value = value * 10 + digits[from + k]!;
  return value;
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!);
}

const CNP_WEIGHTS = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];

/** Romanian CNP (13 digits at `from`): S YY MM DD JJ NNN C, valid birth date, county 01..52, mod-11 check. */
export function isCnpDigits(digits: DigitValues, from: number): boolean {
  const sex = digits[from]!;
  if (sex === 0) return false;
  const century = sex <= 2 ? 1900 : sex <= 4 ? 1800 : sex <= 6 ? 2000 : 1900;
  const year = century + number(digits, from + 1, 2);
  if (!validDate(year, number(digits, from + 3, 2), number(digits, from + 5, 2))) return false;
  const county = number(digits, from + 7, 2);
  if (county < 1 || (county > 52 && county !== 70)) return false;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += digits[from + k]! * CNP_WEIGHTS[k]!;
  const check = sum % 11 === 10 ? 1 : sum % 11;
  return check === digits[from + 12];
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
const PESEL_CENTURIES = [1900, 2000, 2100, 2200, 1800];

/** Polish PESEL (11 digits): YYMMDD (month carries the century) ZZZX Q, a valid date and its check digit. */
export function isPeselDigits(digits: DigitValues, from: number): boolean {
  const encodedMonth = number(digits, from + 2, 2);
  const century = PESEL_CENTURIES[Math.floor(encodedMonth / 20)];
  if (century === undefined) return false;
  const year = century + number(digits, from, 2);
  if (!validDate(year, encodedMonth % 20, number(digits, from + 4, 2))) return false;
  let sum = 0;
  for (let k = 0; k < 10; k++) sum += digits[from + k]! * PESEL_WEIGHTS[k]!;
  return (10 - (sum % 10)) % 10 === digits[from + 10];
}

const EGN_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6];

/** Bulgarian EGN (10 digits): YYMMDD (month +20 for 1800s, +40 for 2000s) NNN C, a valid date, its check digit. */
export function isEgnDigits(digits: DigitValues, from: number): boolean {
  let month = number(digits, from + 2, 2);
  let century = 1900;
  if (month > 40) {
    month -= 40;
    century = 2000;
  } else if (month > 20) {
    month -= 20;
    century = 1800;
  }
  if (!validDate(century + number(digits, from, 2), month, number(digits, from + 4, 2))) return false;
  let sum = 0;
  for (let k = 0; k < 9; k++) sum += digits[from + k]! * EGN_WEIGHTS[k]!;
  return (sum % 11) % 10 === digits[from + 9];
}

/** The Luhn check of payment card numbers. */
export function passesLuhnDigits(digits: DigitValues, from: number, length: number): boolean {
  let sum = 0;
  for (let k = 0; k < length; k++) {
    let d = digits[from + length - 1 - k]!;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Issuer ranges (the leading digits of the IIN, ISO/IEC 7812) and the lengths each scheme issues,
 * as [first, last, prefix digits, bit set of lengths]. A number is a card only when its prefix
 * falls in a range that issues its length: Visa 13/16/19, Amex 15, Mastercard 16, Diners 14-19,
 * JCB, UnionPay and Mir 16-19, Discover 16/19, Maestro 12-19 in its own IINs (16 or 19 in the rest of
 * 50 and 56-69). So an 18-digit correlation ID starting 65 (Discover issues 16 and 19 digits) or
 * 1, 7, 9 ... is no card, while a 17- or 18-digit JCB, UnionPay, Mir or Maestro number is.
 */
const lengths = (...ns: number[]) => ns.reduce((set, n) => set | (1 << n), 0);
const ALL_LENGTHS = lengths(12, 13, 14, 15, 16, 17, 18, 19);
const ISSUERS: readonly [number, number, number, number][] = [
  [4, 4, 1, lengths(13, 16, 19)], // Visa (Electron included)
  [51, 55, 2, lengths(16)], // Mastercard
  [2221, 2720, 4, lengths(16)], // Mastercard 2-series
  [34, 34, 2, lengths(15)], // American Express
  [37, 37, 2, lengths(15)], // American Express
  [6011, 6011, 4, lengths(16, 19)], // Discover
  [644, 649, 3, lengths(16, 19)], // Discover
  [65, 65, 2, lengths(16, 19)], // Discover, RuPay, Troy
  [622126, 622925, 6, lengths(16, 17, 18, 19)], // UnionPay co-branded Discover
  [62, 62, 2, lengths(14, 15, 16, 17, 18, 19)], // UnionPay
  [81, 82, 2, lengths(16, 17, 18, 19)], // UnionPay 81, RuPay
  [60, 60, 2, lengths(16)], // RuPay
  [3528, 3589, 4, lengths(16, 17, 18, 19)], // JCB
  [36, 36, 2, lengths(14, 15, 16, 17, 18, 19)], // Diners Club International
  [300, 305, 3, lengths(14, 16, 19)], // Diners Club
  [3095, 3095, 4, lengths(14, 16, 19)], // Diners Club
  [38, 39, 2, lengths(14, 16, 19)], // Diners Club
  [2200, 2204, 4, lengths(16, 17, 18, 19)], // Mir
  [5018, 5018, 4, ALL_LENGTHS], // Maestro
  [5020, 5020, 4, ALL_LENGTHS], // Maestro
  [5038, 5038, 4, ALL_LENGTHS], // Maestro
  [5893, 5893, 4, ALL_LENGTHS], // Maestro
  [6304, 6304, 4, ALL_LENGTHS], // Maestro, Laser
  [6759, 6759, 4, ALL_LENGTHS], // Maestro (UK)
  [6761, 6763, 4, ALL_LENGTHS], // Maestro
  [6706, 6706, 4, lengths(16, 17, 18, 19)], // Laser
  [6709, 6709, 4, lengths(16, 17, 18, 19)], // Laser
  [6771, 6771, 4, lengths(16, 17, 18, 19)], // Laser
  [506099, 506198, 6, lengths(16, 18, 19)], // Verve
  [507865, 507964, 6, lengths(16, 18, 19)], // Verve
  [650002, 650027, 6, lengths(16, 18, 19)], // Verve
  [636, 636, 3, lengths(16, 17, 18, 19)], // InterPayment
  [637, 639, 3, lengths(16)], // InstaPayment
  [5019, 5019, 4, lengths(16)], // Dankort
  [9792, 9792, 4, lengths(16)], // Troy
  // the rest of 50 and 56-69 (Maestro and domestic schemes by bank): the two common lengths
  [50, 50, 2, lengths(16, 19)],
  [56, 69, 2, lengths(16, 19)],
];

/** By length (12-19): the issuer ranges as 6-digit prefixes [first, last, first, last ...], built once. */
const RANGES_BY_LENGTH: Int32Array[] = (() => {
  const byLength: number[][] = Array.from({ length: 20 }, () => []);
  for (const [first, last, prefixLength, issuedLengths] of ISSUERS) {
    const scale = 10 ** (6 - prefixLength);
    for (let n = 12; n <= 19; n++)
      if ((issuedLengths & (1 << n)) !== 0) byLength[n]!.push(first * scale, (last + 1) * scale - 1);
  }
  return byLength.map((ranges) => Int32Array.from(ranges));
})();

/** A card number: an issuer prefix that issues this length, and Luhn. */
export function isCardDigits(digits: DigitValues, from: number, length: number): boolean {
  if (length < 13 || length > 19) return false;
  const prefix = number(digits, from, 6);
  const ranges = RANGES_BY_LENGTH[length]!;
  for (let k = 0; k < ranges.length; k += 2) {
    if (prefix >= ranges[k]! && prefix <= ranges[k + 1]!) return passesLuhnDigits(digits, from, length);
  }
  return false;
}

/** Romanian CNP: S YY MM DD JJ NNN C, with a valid birth date, county 01..52 and its mod-11 check digit. */
export function isValidCnp(digits: string): boolean {
  const values = digits.length === 13 ? toDigits(digits) : undefined;
  return values !== undefined && isCnpDigits(values, 0);
}

/** Polish PESEL: YYMMDD (month carries the century) ZZZX Q, with a valid date and its check digit. */
export function isValidPesel(digits: string): boolean {
  const values = digits.length === 11 ? toDigits(digits) : undefined;
  return values !== undefined && isPeselDigits(values, 0);
}

/** Bulgarian EGN: YYMMDD (month +20 for 1800s, +40 for 2000s) NNN C, with a valid date and its check digit. */
export function isValidEgn(digits: string): boolean {
  const values = digits.length === 10 ? toDigits(digits) : undefined;
  return values !== undefined && isEgnDigits(values, 0);
}

/** The Luhn check of payment card numbers. */
export function passesLuhn(digits: string): boolean {
  const values = toDigits(digits);
  return values !== undefined && passesLuhnDigits(values, 0, values.length);
}

/** A card number: an issuer prefix (ISO/IEC 7812 ranges) that issues its length, and Luhn. */
export function isCardNumber(digits: string): boolean {
  const values = toDigits(digits);
  return values !== undefined && isCardDigits(values, 0, values.length);
}

/** IBAN char codes (digits and capitals) `codes[0 .. length-1]`: mod-97 of the rearranged string is 1. */
export function isIbanCodes(codes: Uint8Array | string, length: number): boolean {
  if (length < 15 || length > 34) return false;
  let remainder = 0;
  for (let k = 0; k < length; k++) {
    const index = (k + 4) % length;
    const code = typeof codes === 'string' ? codes.charCodeAt(index) : codes[index]!;
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else if (code >= 97 && code <= 122) remainder = (remainder * 100 + (code - 87)) % 97;
    else return false;
  }
  return remainder === 1;
}

/** IBAN: two letters, two check digits, up to 30 letters or digits, and mod-97 of the rearranged string is 1. */
export function isValidIban(compact: string): boolean {
  return isIbanCodes(compact, compact.length);
}
