/**
 * Checksums of the identifiers the policy masks. A checksum is what tells a CNP or a card number
 * from an order number or a correlation ID of the same length.
 */

function digitAt(digits: string, index: number): number {
  return digits.charCodeAt(index) - 48;
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const CNP_WEIGHTS = '279146358279';

/** Romanian CNP: S YY MM DD JJ NNN C, with a valid birth date, county 01..52 and its mod-11 check digit. */
export function isValidCnp(digits: string): boolean {
  if (digits.length !== 13) return false;
  const sex = digitAt(digits, 0);
  if (sex === 0) return false;
  const century = sex <= 2 ? 1900 : sex <= 4 ? 1800 : sex <= 6 ? 2000 : 1900;
  const year = century + Number(digits.slice(1, 3));
  if (!validDate(year, Number(digits.slice(3, 5)), Number(digits.slice(5, 7)))) return false;
  const county = Number(digits.slice(7, 9));
  if (county < 1 || (county > 52 && county !== 70)) return false;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += digitAt(digits, k) * digitAt(CNP_WEIGHTS, k);
  const check = sum % 11 === 10 ? 1 : sum % 11;
  return check === digitAt(digits, 12);
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/** Polish PESEL: YYMMDD (month carries the century) ZZZX Q, with a valid date and its check digit. */
export function isValidPesel(digits: string): boolean {
  if (digits.length !== 11) return false;
  const encodedMonth = Number(digits.slice(2, 4));
  const centuries = [1900, 2000, 2100, 2200, 1800];
  const century = centuries[Math.floor(encodedMonth / 20)];
  if (century === undefined) return false;
  if (!validDate(century + Number(digits.slice(0, 2)), encodedMonth % 20, Number(digits.slice(4, 6)))) return false;
  let sum = 0;
  for (let k = 0; k < 10; k++) sum += digitAt(digits, k) * PESEL_WEIGHTS[k]!;
  return (10 - (sum % 10)) % 10 === digitAt(digits, 10);
}

const EGN_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6];

/** Bulgarian EGN: YYMMDD (month +20 for 1800s, +40 for 2000s) NNN C, with a valid date and its check digit. */
export function isValidEgn(digits: string): boolean {
  if (digits.length !== 10) return false;
  let month = Number(digits.slice(2, 4));
  let century = 1900;
  if (month > 40) {
    month -= 40;
    century = 2000;
  } else if (month > 20) {
    month -= 20;
    century = 1800;
  }
  if (!validDate(century + Number(digits.slice(0, 2)), month, Number(digits.slice(4, 6)))) return false;
  let sum = 0;
  for (let k = 0; k < 9; k++) sum += digitAt(digits, k) * EGN_WEIGHTS[k]!;
  return (sum % 11) % 10 === digitAt(digits, 9);
}

/** The Luhn check of payment card numbers. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = digitAt(digits, digits.length - 1 - k);
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A card number: an issuer prefix (Visa, Mastercard, Amex, Discover, Maestro), its length and Luhn. */
export function isCardNumber(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19) return false;
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  const issuer =
    (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) ||
    (((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) && n === 16) ||
    ((two === 34 || two === 37) && n === 15) ||
    ((four === 6011 || two === 65 || (four >= 6440 && four <= 6499)) && n >= 16) ||
    ((two === 50 || (two >= 56 && two <= 69)) && n >= 16);
  return issuer && passesLuhn(digits);
}

/** IBAN: two letters, two check digits, up to 30 letters or digits, and mod-97 of the rearranged string is 1. */
export function isValidIban(compact: string): boolean {
  const n = compact.length;
  if (n < 15 || n > 34) return false;
  let remainder = 0;
  for (let k = 0; k < n; k++) {
    const code = compact.charCodeAt((k + 4) % n);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else if (code >= 97 && code <= 122) remainder = (remainder * 100 + (code - 87)) % 97;
    else return false;
  }
  return remainder === 1;
}
