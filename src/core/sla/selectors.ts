import { WINDOW_PLACEHOLDER } from './window-placeholder.js';

/**
 * The series selectors an SLI reads over `$window`, e.g. `http_requests_total{job="api"}` from
 * `rate(http_requests_total{job="api"}[$window])`: what must keep getting samples for the SLI to be
 * current. A selector followed by `[$window]` is a metric name with optional matchers in braces.
 */
const SELECTOR_BEFORE_WINDOW = new RegExp(
  String.raw`([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^{}]*\})?\s*\[\s*` +
    WINDOW_PLACEHOLDER.replace('$', '\\$') +
    String.raw`\s*\]`,
  'g',
);

export function selectorsOf(query: string): string[] {
  const found = new Set<string>();
  for (const match of query.matchAll(SELECTOR_BEFORE_WINDOW)) found.add(`${match[1]}${match[2] ?? ''}`);
  return [...found];
}

/**
 * The equality matchers of a selector, `name{a="x",b=~"y"}` → { __name__: name, a: "x" }; undefined if it has others.
 */
export function equalityLabels(selector: string): Record<string, string> | undefined {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(selector.trim());
  if (!match) return undefined;
  const labels: Record<string, string> = { __name__: match[1]! };
  const body = match[2]?.trim();
  if (!body) return labels;
  for (const part of body.split(/,(?=\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=|!=|=~|!~))/)) {
    const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(part);
    if (!m) return undefined;
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  }
  return labels;
}
