import { isPiiKey, maskPii, maskPiiText } from '../redact.js';
import type { TimelineItem } from './types.js';

/** Every string held under a PII-named key (name, phone, email, …), however deep. */
function collectPiiValues(value: unknown, into: Set<string>, underPiiKey = false): void {
  if (typeof value === 'string') {
    if (underPiiKey && value.trim().length >= 3) into.add(value.trim());
  } else if (Array.isArray(value)) {
    for (const inner of value) collectPiiValues(inner, into, underPiiKey);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) collectPiiValues(inner, into, underPiiKey || isPiiKey(key));
  }
}

/**
 * Masks PII in every item: PII-named fields and phone/e-mail patterns in the details, and in the
 * one-line texts both the patterns and any value seen under a PII-named field anywhere in the
 * journey (a name in a payload is also caught in an error message such as "Ion Popescu exists").
 */
export function maskTimelineItems<T extends TimelineItem>(items: readonly T[]): T[] {
  const known = new Set<string>();
  for (const item of items) collectPiiValues(item.detail, known);
  // longest first, so "Ion Popescu" is masked before "Ion"
  const values = [...known].sort((a, b) => b.length - a.length);
  const pattern = values.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${values.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'gu') : undefined;
  const scrub = (text: string) => maskPiiText(pattern ? text.replace(pattern, '[masked]') : text);
  return items.map((item) => ({
    ...item,
    name: scrub(item.name),
    summary: scrub(item.summary),
    error: item.error === undefined ? undefined : scrub(item.error),
    // through JSON first: Dates become ISO strings instead of empty objects
    detail: maskPii(scrubDeep(JSON.parse(JSON.stringify(item.detail)), scrub)) as Record<string, unknown>,
  }));
}

function scrubDeep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === 'string') return scrub(value);
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, scrub));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, scrub)]));
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
