import type { ObjectKind, SchemaModel, SchemaObject } from './model.js';
import { grantee, ident, qualified, signature, splitLast } from './sql-text.js';

/** One statement of the fix: what it does to which object, and whether it can lose data. */
export interface FixStatement {
  sql: string;
  /** loses data or can fail on existing data: a drop, a type change, NOT NULL on existing rows */
  destructive: boolean;
  /** why it is destructive, in a few words */
  reason?: string;
  /** "column public.leads.ai_score" */
  object: string;
}

/** A step before it is ordered: its phase rank and, for columns, the position in the table. */
export interface Step extends FixStatement {
  rank: number;
  order?: number;
}

/** Makes the steps of one object: not destructive and at its kind's rank unless `extra` says otherwise. */
export function stepMaker(object: SchemaObject): (sql: string, extra?: Partial<Step>) => Step {
  const base = { destructive: false, object: key(object), rank: RANK[object.kind] };
  return (sql, extra = {}) => ({ sql, ...base, ...extra });
}

/** Creation order: what an object needs is created before it (drops run in the reverse order). */
export const RANK: Record<ObjectKind, number> = {
  schema: 0,
  extension: 1,
  'foreign data wrapper': 2,
  'foreign server': 3,
  collation: 4,
  enum: 5,
  domain: 6,
  'composite type': 7,
  sequence: 8,
  function: 9,
  table: 10,
  'foreign table': 11,
  column: 12,
  constraint: 13,
  index: 15,
  view: 17,
  'materialized view': 18,
  statistics: 19,
  trigger: 20,
  rule: 21,
  policy: 22,
  publication: 23,
  cast: 24,
  operator: 25,
  'event trigger': 26,
};
/** Foreign keys after the keys they reference; table settings that need an index after indexes. */
export const FOREIGN_KEY_RANK = 14;
export const TABLE_LATE_RANK = 16;

const DATA_KINDS = new Set<ObjectKind>([
  'table',
  'column',
  'foreign table',
  'sequence',
  'materialized view',
  'schema',
  'extension',
]);

/** Grants present by default on a new object of each kind (acldefault), so a create adds only the rest. */
export const DEFAULT_GRANTS: Partial<Record<ObjectKind, string[]>> = {
  function: ['PUBLIC:EXECUTE'],
  enum: ['PUBLIC:USAGE'],
  domain: ['PUBLIC:USAGE'],
  'composite type': ['PUBLIC:USAGE'],
};

export interface FixContext {
  target: SchemaModel;
  current: SchemaModel;
  /** views dropped to let a column or type change through, created again afterwards */
  recreatedViews: Set<string>;
  steps: Step[];
}

export const key = (o: SchemaObject) => `${o.kind} ${o.name}`;

/** GRANT / REVOKE statements turning `from` grants into `to` grants on `object`. */
export function grantSteps(object: SchemaObject, from: readonly string[], to: readonly string[], rank: number): Step[] {
  const clause = grantTarget(object);
  if (!clause) return [];
  const steps: Step[] = [];
  for (const g of from.filter((x) => !to.includes(x))) {
    const [who, what] = g.split(':') as [string, string];
    steps.push({
      sql: `REVOKE ${what.replace(' WITH GRANT OPTION', '')}${clause.columns} ON ${clause.on} FROM ${grantee(who)}`,
      destructive: false,
      object: key(object),
      rank,
    });
  }
  for (const g of to.filter((x) => !from.includes(x))) {
    const [who, what] = g.split(':') as [string, string];
    const option = what.endsWith(' WITH GRANT OPTION');
    steps.push({
      sql:
        `GRANT ${what.replace(' WITH GRANT OPTION', '')}${clause.columns} ON ${clause.on} TO ${grantee(who)}` +
        (option ? ' WITH GRANT OPTION' : ''),
      destructive: false,
      object: key(object),
      rank,
    });
  }
  return steps;
}

function grantTarget(object: SchemaObject): { on: string; columns: string } | undefined {
  if (object.kind === 'column') {
    const [table, column] = splitLast(object.name);
    return { on: `TABLE ${qualified(table)}`, columns: ` (${ident(column)})` };
  }
  const kinds: Partial<Record<ObjectKind, string>> = {
    table: 'TABLE',
    view: 'TABLE',
    'materialized view': 'TABLE',
    'foreign table': 'TABLE',
    sequence: 'SEQUENCE',
    function: 'FUNCTION',
    schema: 'SCHEMA',
    enum: 'TYPE',
    domain: 'DOMAIN',
    'composite type': 'TYPE',
  };
  const word = kinds[object.kind];
  return word ? { on: `${word} ${objectClause(object)}`, columns: '' } : undefined;
}

/** Whether an object of this kind holds data, so dropping it to recreate it loses that data. */
export const holdsData = (kind: ObjectKind) => DATA_KINDS.has(kind);

/** How COMMENT ON and DROP name the kind. */
export const KIND_WORD: Record<ObjectKind, string> = {
  table: 'TABLE',
  column: 'COLUMN',
  constraint: 'CONSTRAINT',
  index: 'INDEX',
  view: 'VIEW',
  'materialized view': 'MATERIALIZED VIEW',
  function: 'FUNCTION',
  trigger: 'TRIGGER',
  policy: 'POLICY',
  enum: 'TYPE',
  sequence: 'SEQUENCE',
  schema: 'SCHEMA',
  extension: 'EXTENSION',
  domain: 'DOMAIN',
  'composite type': 'TYPE',
  collation: 'COLLATION',
  cast: 'CAST',
  operator: 'OPERATOR',
  publication: 'PUBLICATION',
  rule: 'RULE',
  statistics: 'STATISTICS',
  'event trigger': 'EVENT TRIGGER',
  'foreign data wrapper': 'FOREIGN DATA WRAPPER',
  'foreign server': 'SERVER',
  'foreign table': 'FOREIGN TABLE',
};

/** The keyword of a function-like object: FUNCTION or PROCEDURE. */
export const routineWord = (object: SchemaObject) => (object.attrs.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION');

/** How statements name an object: "public.leads", "name ON public.leads", "public.f(integer)". */
export function objectClause(object: Pick<SchemaObject, 'kind' | 'name'>): string {
  switch (object.kind) {
    case 'function':
      return signature(object.name);
    case 'column': {
      const [table, column] = splitLast(object.name);
      return `${qualified(table)}.${ident(column)}`;
    }
    case 'constraint':
    case 'trigger':
    case 'policy':
    case 'rule': {
      const [table, name] = splitLast(object.name);
      return `${ident(name)} ON ${qualified(table)}`;
    }
    case 'cast':
      return object.name;
    case 'operator': {
      const open = object.name.indexOf('(');
      const [schema, symbol] = splitLast(object.name.slice(0, open));
      return `${ident(schema)}.${symbol} ${object.name.slice(open)}`;
    }
    case 'publication':
    case 'event trigger':
    case 'foreign data wrapper':
    case 'foreign server':
    case 'schema':
    case 'extension':
      return ident(object.name);
    default:
      return qualified(object.name);
  }
}
