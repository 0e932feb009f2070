/**
 * {{name}} substitution. A value is only ever placed inside one argv element, one SQL parameter,
 * one URL component (encoded) or one JSON string: there is no context in which a value could
 * become code, so a parameter such as `x; touch owned` stays one harmless string.
 */

export const TEMPLATE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

/** Names every runbook may use besides its own parameters. */
export const BUILTIN_VARIABLES = [
  'env.name',
  'env.namespace',
  'env.redisPrefix',
  'env.apiService',
  'run.id',
  'run.actor',
  // the environment's database, for libpq tools (pg_dump, psql) through PG* variables in a shell step's env
  'db.host',
  'db.port',
  'db.user',
  'db.name',
  'db.password',
] as const;

/** {{steps.ID.value}} / {{steps.ID.output}}: what an earlier step returned (first cell, reply, stdout). */
export const STEP_VARIABLE = /^steps\.([a-z0-9][a-z0-9_-]*)\.(value|output)$/;

export type Variables = Record<string, string>;

export function referencedNames(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => m[1]!);
}

export function fill(text: string, vars: Variables, encode: (value: string) => string = (v) => v): string {
  return text.replace(TEMPLATE, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`unknown variable {{${name}}}`);
    return encode(value);
  });
}

/** A URL with every substituted value encoded as a component (a "/" or "?" in a value stays data). */
export function fillUrl(text: string, vars: Variables): string {
  return fill(text, vars, encodeURIComponent);
}

/** Deep substitution in a JSON body: values land inside strings, which JSON encoding escapes. */
export function fillJson(value: unknown, vars: Variables): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillJson(v, vars));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, vars)]));
  return value;
}

/** Every string in a structure with its path, to check template references at load time. */
export function* stringsIn(value: unknown, path: (string | number)[] = []): Generator<[string, (string | number)[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* stringsIn(v, [...path, k]);
}
