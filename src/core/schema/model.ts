/**
 * The normalized schema model: a flat map of objects keyed by "<kind> <qualified name>", each with
 * plain attributes. Flat and plain so a snapshot is diff-friendly JSON and two models compare
 * attribute by attribute, whatever server produced them.
 */
export type AttrValue = string | number | boolean | null | string[];

export const OBJECT_KINDS = [
  'extension',
  'schema',
  'enum',
  'sequence',
  'table',
  'column',
  'constraint',
  'index',
  'view',
  'materialized view',
  'function',
  'trigger',
  'policy',
  'domain',
  'composite type',
  'collation',
  'cast',
  'operator',
  'publication',
  'rule',
  'statistics',
  'event trigger',
  'foreign data wrapper',
  'foreign server',
  'foreign table',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export interface SchemaObject {
  kind: ObjectKind;
  /** schema-qualified: "public.leads", "public.leads.ai_score", "public.set_updated_at()" */
  name: string;
  attrs: Record<string, AttrValue>;
}

export interface SchemaModel {
  objects: Map<string, SchemaObject>;
}

export const objectKey = (kind: ObjectKind, name: string) => `${kind} ${name}`;

const KIND_SET = new Set<string>(OBJECT_KINDS);

/** Kinds named by two words, so a key's kind is not just its first word. */
const TWO_WORD_KINDS = OBJECT_KINDS.filter((k) => k.includes(' '));

export function parseKey(key: string): { kind: ObjectKind; name: string } {
  const kind = TWO_WORD_KINDS.find((k) => key.startsWith(`${k} `)) ?? key.slice(0, key.indexOf(' '));
  if (!KIND_SET.has(kind) || key.length <= kind.length + 1) throw new Error(`unknown object kind in "${key}"`);
  return { kind: kind as ObjectKind, name: key.slice(kind.length + 1) };
}

export function emptyModel(): SchemaModel {
  return { objects: new Map() };
}

export function addObject(
  model: SchemaModel,
  kind: ObjectKind,
  name: string,
  attrs: Record<string, AttrValue | undefined>,
): void {
  const clean: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) clean[k] = v;
  model.objects.set(objectKey(kind, name), { kind, name, attrs: clean });
}

/** How an object is shown: without the "public." prefix that nearly every name carries. */
export function displayName(name: string): string {
  return name.startsWith('public.') ? name.slice('public.'.length) : name;
}

/**
 * The table an object hangs off ("public.leads" for a column, constraint, trigger, policy or
 * index), so a dropped table is reported once, not once per column.
 */
export function parentTable(object: SchemaObject): string | undefined {
  if (object.kind === 'index' || object.kind === 'statistics')
    return typeof object.attrs.table === 'string' ? object.attrs.table : undefined;
  if (
    object.kind === 'column' ||
    object.kind === 'rule' ||
    object.kind === 'constraint' ||
    object.kind === 'trigger' ||
    object.kind === 'policy'
  ) {
    return object.name.slice(0, object.name.lastIndexOf('.'));
  }
  return undefined;
}
