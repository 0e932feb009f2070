import { invalidInput } from '../errors.js';
import type { Runbook, RunbookParameter } from './schema.js';

export type ParameterValues = Record<string, string>;

function check(runbookId: string, p: RunbookParameter, raw: string): string {
  const bad = (why: string) =>
    invalidInput(`Parameter ${p.name} of runbook ${runbookId}: ${why}.`, {
      code: 'runbook.bad-parameter',
      facts: { runbookId, parameter: p.name },
      remedy: p.description ? `${p.name}: ${p.description}` : undefined,
    });
  let value = raw;
  if (p.type === 'int') {
    if (!/^-?\d+$/.test(raw.trim())) throw bad(`"${raw}" is not a whole number`);
    value = String(Number(raw.trim()));
  } else if (p.type === 'bool') {
    const lower = raw.trim().toLowerCase();
    if (!['true', 'false', '1', '0', 'yes', 'no'].includes(lower)) throw bad(`"${raw}" is not true or false`);
    value = String(['true', '1', 'yes'].includes(lower));
  } else if (p.type === 'enum' && !p.values!.includes(raw)) {
    throw bad(`"${raw}" is not one of ${p.values!.join(', ')}`);
  }
  if (p.pattern && !new RegExp(`^(?:${p.pattern})$`).test(value))
    throw bad(`${p.sensitive ? 'the value' : `"${raw}"`} does not match ${p.pattern}`);
  return value;
}

/**
 * Typed, checked parameter values: given values win over defaults; a required parameter with
 * neither is a usage error; an optional one without a value is the empty string.
 */
export function resolveParameters(runbook: Runbook, given: Record<string, string>): ParameterValues {
  const known = new Set(runbook.parameters.map((p) => p.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw invalidInput(`Runbook ${runbook.id} has no parameter "${name}".`, {
        code: 'runbook.unknown-parameter',
        facts: { runbookId: runbook.id, parameter: name },
        remedy: known.size ? `Its parameters: ${[...known].join(', ')}.` : 'It takes no parameters.',
      });
    }
  }
  const values: ParameterValues = {};
  for (const p of runbook.parameters) {
    const raw = given[p.name] ?? (p.default !== undefined ? String(p.default) : undefined);
    if (raw === undefined) {
      if (p.required) {
        throw invalidInput(
          `Runbook ${runbook.id} needs parameter ${p.name}${p.description ? ` (${p.description})` : ''}.`,
          {
            code: 'runbook.missing-parameter',
            facts: { runbookId: runbook.id, parameter: p.name },
          },
        );
      }
      values[p.name] = '';
      continue;
    }
    values[p.name] = check(runbook.id, p, raw);
  }
  return values;
}

/** Parameters as they may be stored or printed: sensitive ones masked. */
export function publicParameters(runbook: Runbook, values: ParameterValues): ParameterValues {
  const sensitive = new Set(runbook.parameters.filter((p) => p.sensitive).map((p) => p.name));
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sensitive.has(k) && v ? '****' : v]));
}

export function sensitiveValues(runbook: Runbook, values: ParameterValues): string[] {
  return runbook.parameters.filter((p) => p.sensitive && values[p.name]).map((p) => values[p.name]!);
}
