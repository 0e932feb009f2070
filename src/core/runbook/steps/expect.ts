import type { Expectation } from './fields.js';
import type { ActionResult } from './types.js';

function at(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || current === undefined) return undefined;
    current = (current as Record<string, unknown>)[/^\d+$/.test(key) && Array.isArray(current) ? Number(key) : key];
  }
  return current;
}

/** Why a result does not meet the expectation, or undefined when it does. */
export function unmet(expect: Expectation, result: ActionResult): string | undefined {
  if (!result.ok && expect.exitCode === undefined && expect.status === undefined)
    return result.error ?? 'the probe failed';
  if (expect.exitCode !== undefined && result.exitCode !== expect.exitCode)
    return `exit code ${result.exitCode}, expected ${expect.exitCode}`;
  if (expect.status !== undefined && result.status !== expect.status)
    return `HTTP ${result.status}, expected ${expect.status}`;
  if (expect.rows) {
    const rows = result.rows ?? 0;
    if (expect.rows.min !== undefined && rows < expect.rows.min)
      return `${rows} row(s), expected at least ${expect.rows.min}`;
    if (expect.rows.max !== undefined && rows > expect.rows.max)
      return `${rows} row(s), expected at most ${expect.rows.max}`;
  }
  if (expect.value) {
    const v = at(result.value, expect.value.path);
    const shown = JSON.stringify(v) ?? 'nothing';
    if (expect.value.equals !== undefined && String(v) !== String(expect.value.equals))
      return `value ${shown}, expected ${JSON.stringify(expect.value.equals)}`;
    const n = Number(v);
    if (expect.value.min !== undefined && !(n >= expect.value.min))
      return `value ${shown}, expected at least ${expect.value.min}`;
    if (expect.value.max !== undefined && !(n <= expect.value.max))
      return `value ${shown}, expected at most ${expect.value.max}`;
    if (expect.value.matches !== undefined && !new RegExp(expect.value.matches).test(String(v ?? '')))
      return `value ${shown} does not match ${expect.value.matches}`;
  }
  if (expect.contains !== undefined && !result.output.includes(expect.contains))
    return `output does not contain "${expect.contains}"`;
  return undefined;
}
