import { isPiiKey } from '../redact.js';
import { maskText } from '../mask/index.js';

const MAX_SHOWN = 60;

/** The stored value at a failing path, safe to print: PII-named fields hidden, PII patterns masked. */
export function shownValue(payload: unknown, path: readonly PropertyKey[]): string {
  let current: unknown = payload;
  for (const key of path) {
    if (typeof key === 'string' && isPiiKey(key)) return '[masked]';
    if (current === null || typeof current !== 'object') return 'missing';
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  if (current === undefined) return 'missing';
  const text = maskText(JSON.stringify(maskValues(current)) ?? String(current));
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** Nested objects under the failing path may hold PII-named fields too. */
function maskValues(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValues);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isPiiKey(k) ? '[masked]' : maskValues(v)]));
  }
  return value;
}

/** "contact.phone", "items[2].price": the path as a reader writes it. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(payload)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}
