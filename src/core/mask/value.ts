import { isNameKey, isPiiKey } from './keys.js';
import { KnownNames } from './names.js';
import { NAME_MASK, scanText, type ScanOptions } from './scan.js';

export interface MaskOptions {
  /** names known from the journey's patient-data fields (see collectKnownNames) */
  knownNames?: KnownNames;
  /** exact values left alone, e.g. the correlation ID being traced */
  keep?: readonly string[];
}

/** Masks patient data in free text: phones, e-mails, CNP and other national IDs, IBANs, cards, names. */
export function maskText(text: string, options: MaskOptions = {}): string {
  return scanText(text, options);
}

/** Large integers can be phones or CNPs too (a JSON number is not a string). */
function maskNumber(value: number, options: ScanOptions): number | string {
  if (!Number.isSafeInteger(value) || Math.abs(value) < 1e8) return value;
  const text = String(value);
  const masked = scanText(text, options);
  return masked === text ? value : masked;
}

function maskDeep(value: unknown, options: ScanOptions, underPiiKey: boolean): unknown {
  if (typeof value === 'string') return underPiiKey ? NAME_MASK : scanText(value, options);
  if (typeof value === 'number') return underPiiKey ? NAME_MASK : maskNumber(value, options);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((inner) => maskDeep(inner, options, underPiiKey));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const pii = isPiiKey(key);
      // a patient-data field holding a scalar is masked whole; holding an object, field by field
      out[key] =
        pii && inner !== null && typeof inner !== 'object' ? NAME_MASK : maskDeep(inner, options, underPiiKey && pii);
    }
    return out;
  }
  return value;
}

/**
 * A deep copy of a JSON-like value (Dates become ISO strings): scalars under patient-data keys
 * become "[masked]", every other string is masked as free text.
 */
export function maskValue<T>(value: T, options: MaskOptions = {}): T extends string ? string : unknown {
  return maskDeep(value, options, false) as T extends string ? string : unknown;
}

/** Every value held under a patient-data key, however deep, added to `into` (names also by their parts). */
export function collectKnownNames(value: unknown, into = new KnownNames()): KnownNames {
  const walk = (inner: unknown, key: string | undefined) => {
    if (typeof inner === 'string') {
      if (key !== undefined && inner.trim().length >= 2) into.add(inner.trim(), isNameKey(key));
    } else if (Array.isArray(inner)) {
      for (const item of inner) walk(item, key);
    } else if (inner && typeof inner === 'object' && !(inner instanceof Date)) {
      for (const [k, v] of Object.entries(inner)) walk(v, isPiiKey(k) ? k : key);
    }
  };
  walk(value, undefined);
  return into;
}

/**
 * A masker for one journey (or one report): it learns the names of the patient-data fields and
 * the names written after cues, then masks every text and value with all of them, so a name
 * seen once in a payload is also caught in an error line elsewhere.
 */
export interface Masker {
  readonly knownNames: KnownNames;
  /** learns names from patient-data fields and from cues in every string of `value` */
  learn(value: unknown): void;
  text(text: string): string;
  value<T>(value: T): unknown;
}

export function createMasker(options: MaskOptions = {}): Masker {
  const knownNames = options.knownNames ?? new KnownNames();
  const keep = options.keep ?? [];
  const onName = (name: string) => knownNames.add(name, true);
  const learnStrings = (value: unknown): void => {
    if (typeof value === 'string') scanText(value, { keep, onName });
    else if (Array.isArray(value)) value.forEach(learnStrings);
    else if (value && typeof value === 'object' && !(value instanceof Date)) Object.values(value).forEach(learnStrings);
  };
  return {
    knownNames,
    learn(value) {
      collectKnownNames(value, knownNames);
      learnStrings(value);
    },
    text: (text) => scanText(text, { knownNames, keep }),
    value: (value) => maskDeep(value, { knownNames, keep }, false),
  };
}
