import {
  displayName,
  parentTable,
  type AttrValue,
  type ObjectKind,
  type SchemaModel,
  type SchemaObject,
} from './model.js';

export interface AttributeChange {
  attribute: string;
  from: AttrValue;
  to: AttrValue;
}

/**
 * One object that differs between two models, A (the reference: migrations, snapshot) and B.
 * `added`: only in B; `removed`: only in A; `changed`: in both, with the attributes that differ.
 */
export interface SchemaDifference {
  kind: ObjectKind;
  /** schema-qualified name, e.g. "public.leads.ai_score" */
  name: string;
  change: 'added' | 'removed' | 'changed';
  changes: AttributeChange[];
  /** the human line: "column leads.ai_score: default 0 → none" */
  summary: string;
  /** the table the object belongs to (columns, constraints, indexes, triggers, policies) */
  table?: string;
  /** what was compared, e.g. "snapshot → migrations" */
  comparison?: string;
  /** the migration file that created the object, where it can be known */
  migration?: string;
  /** its line in that file (1-based) */
  line?: number;
  /** a note, not drift: column order, unless the policy makes it drift */
  note?: boolean;
}

/** Attributes reported as notes, not drift, and compared over what both sides have. */
export const NOTE_ATTRIBUTES = new Set(['column_order']);

/** The order of the columns both sides have, so an added or dropped column is not also an order change. */
function sameOrder(a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  const left = Array.isArray(a) ? a : [];
  const right = Array.isArray(b) ? b : [];
  const shared = new Set(left.filter((x) => right.includes(x)));
  return JSON.stringify(left.filter((x) => shared.has(x))) === JSON.stringify(right.filter((x) => shared.has(x)));
}

const equal = (a: AttrValue | undefined, b: AttrValue | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** A value as a person reads it in one line; long text (bodies, view definitions) is only said to change. */
export function showValue(value: AttrValue | undefined): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return `(${value.join(', ')})`;
  if (typeof value === 'string') return value === '' ? "''" : value;
  return String(value);
}

function describeChange(change: AttributeChange): string {
  const from = showValue(change.from);
  const to = showValue(change.to);
  if (from.length + to.length > 100 || from.includes('\n') || to.includes('\n')) return `${change.attribute} differs`;
  return `${change.attribute} ${from} → ${to}`;
}

export interface DiffLabels {
  a: string;
  b: string;
}

export function summarize(
  kind: ObjectKind,
  name: string,
  change: SchemaDifference['change'],
  changes: AttributeChange[],
  labels: DiffLabels,
): string {
  const head = `${kind} ${displayName(name)}`;
  if (change === 'added') return `${head}: in ${labels.b}, not in ${labels.a}`;
  if (change === 'removed') return `${head}: in ${labels.a}, missing from ${labels.b}`;
  return `${head}: ${changes.map(describeChange).join('; ')}`;
}

/**
 * Compares two models object by object. A table added or removed is reported once, without its
 * columns, constraints, indexes, triggers and policies.
 */
export function diffModels(
  a: SchemaModel,
  b: SchemaModel,
  labels: DiffLabels = { a: 'A', b: 'B' },
): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  const keys = [...new Set([...a.objects.keys(), ...b.objects.keys()])];
  const whole = new Set<string>();
  const pending: { key: string; object: SchemaObject; change: 'added' | 'removed' }[] = [];

  for (const key of keys) {
    const left = a.objects.get(key);
    const right = b.objects.get(key);
    if (left && right) {
      const attributes = [...new Set([...Object.keys(left.attrs), ...Object.keys(right.attrs)])].sort();
      const changes = attributes
        .filter((attr) => !NOTE_ATTRIBUTES.has(attr) && !equal(left.attrs[attr], right.attrs[attr]))
        .map((attribute) => ({ attribute, from: left.attrs[attribute] ?? null, to: right.attrs[attribute] ?? null }));
      const notes = attributes
        .filter((attr) => NOTE_ATTRIBUTES.has(attr) && !sameOrder(left.attrs[attr], right.attrs[attr]))
        .map((attribute) => ({ attribute, from: left.attrs[attribute] ?? null, to: right.attrs[attribute] ?? null }));
      if (notes.length) {
        differences.push({
          kind: left.kind,
          name: left.name,
          change: 'changed',
          changes: notes,
          note: true,
          summary: summarize(left.kind, left.name, 'changed', notes, labels),
          table: parentTable(left),
        });
      }
      if (changes.length)
        differences.push({
          kind: left.kind,
          name: left.name,
          change: 'changed',
          changes,
          summary: summarize(left.kind, left.name, 'changed', changes, labels),
          table: parentTable(left),
        });
    } else {
      const object = (left ?? right)!;
      const change = left ? 'removed' : 'added';
      if (object.kind === 'table' || object.kind === 'foreign table') whole.add(`${change} ${object.name}`);
      pending.push({ key, object, change });
    }
  }
  for (const { object, change } of pending) {
    const parent = parentTable(object);
    if (parent && whole.has(`${change} ${parent}`)) continue;
    differences.push({
      kind: object.kind,
      name: object.name,
      change,
      changes: [],
      summary: summarize(object.kind, object.name, change, [], labels),
      table: parent,
    });
  }
  return sortDifferences(differences);
}

export function sortDifferences(differences: SchemaDifference[]): SchemaDifference[] {
  const key = (d: SchemaDifference) =>
    `${d.comparison ?? ''}\u0000${groupOf(d)}\u0000${d.kind === 'table' ? '' : d.kind}\u0000${d.name}`;
  return differences.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** The object a difference is grouped under in the human output: its table, or itself. */
export function groupOf(d: Pick<SchemaDifference, 'kind' | 'name' | 'table'>): string {
  return d.table ?? d.name;
}
