/** Quoting and name handling for the fix SQL: the model keeps names unquoted, "schema.name". */

const RESERVED = new Set([
  'all',
  'analyse',
  'analyze',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'current_date',
  'current_role',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'grant',
  'group',
  'having',
  'in',
  'initially',
  'intersect',
  'into',
  'lateral',
  'leading',
  'limit',
  'localtime',
  'not',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'placing',
  'primary',
  'references',
  'returning',
  'select',
  'session_user',
  'some',
  'symmetric',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'variadic',
  'when',
  'where',
  'window',
  'with',
]);

/** An identifier as SQL needs it: bare when it can be, else in double quotes. */
export function ident(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

/** "public.leads" → public.leads; each part quoted as needed. Splits on dots outside quotes. */
export function qualified(name: string): string {
  return name.split('.').map(ident).join('.');
}

/** "public.leads.ai_score" → ["public.leads", "ai_score"]. */
export function splitLast(name: string): [string, string] {
  const at = name.lastIndexOf('.');
  return [name.slice(0, at), name.slice(at + 1)];
}

/** A function's "public.f(a int, b text)" → public.f(a int, b text), the name part quoted. */
export function signature(name: string): string {
  const open = name.indexOf('(');
  return `${qualified(name.slice(0, open))}${name.slice(open)}`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A dollar-quoted body whose tag does not occur in the body. */
export function dollarQuoted(body: string): string {
  let tag = '$body$';
  for (let i = 0; body.includes(tag); i++) tag = `$body${i}$`;
  return `${tag}${body}${tag}`;
}

/** "key=value" options (reloptions, FDW options) → key 'value', … for OPTIONS (…). */
export function optionList(options: readonly string[]): string {
  return options
    .map((o) => {
      const at = o.indexOf('=');
      return `${ident(o.slice(0, at))} ${literal(o.slice(at + 1))}`;
    })
    .join(', ');
}

/** "key=value" reloptions → key = value, … for WITH (…) / SET (…). */
export function relOptionList(options: readonly string[]): string {
  return options
    .map((o) => {
      const at = o.indexOf('=');
      return `${o.slice(0, at)} = ${literal(o.slice(at + 1))}`;
    })
    .join(', ');
}

export const optionKey = (o: string) => o.slice(0, o.indexOf('='));

/** A grantee as GRANT needs it. */
export const grantee = (name: string) => (name === 'PUBLIC' ? 'PUBLIC' : ident(name));

/**
 * An index key as CREATE INDEX needs it: a plain column as is, an expression in parentheses,
 * with its operator class, order and nulls placement after it.
 */
export function indexKey(key: string): string {
  if (/^("[^"]+"|[\w$]+)(\s|$)/.test(key) && !/^[\w$]+\(/.test(key)) return key;
  if (key.startsWith('(')) return key;
  // a function call: wrap up to its closing parenthesis
  let depth = 0;
  let inString = false;
  for (let i = 0; i < key.length; i++) {
    const c = key[i]!;
    if (c === "'") inString = !inString;
    if (inString) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return `(${key.slice(0, i + 1)})${key.slice(i + 1)}`;
  }
  return `(${key})`;
}
