import { NOTE_ATTRIBUTES } from './diff.js';
import { displayName, parentTable, type AttrValue, type SchemaModel, type SchemaObject } from './model.js';
import { createStatements, dropStatement } from './fix-sql-create.js';
import { alterStatements } from './fix-sql-alter.js';
import { RANK, type FixContext, type FixStatement, type Step } from './fix-sql-plan.js';

export type { FixStatement } from './fix-sql-plan.js';

/**
 * The SQL that turns `current` into `target`, from the two models alone: drops first (what
 * depends on an object before it), then creates and changes in dependency order. Column order
 * is not changed (it is a note, and changing it means rebuilding the table).
 */
export function fixSql(target: SchemaModel, current: SchemaModel): FixStatement[] {
  const ctx: FixContext = { target, current, recreatedViews: new Set(), steps: [] };
  const drops: Step[] = [];
  const droppedTables = new Set<string>();
  for (const [k, object] of current.objects) {
    if (!target.objects.has(k) && (object.kind === 'table' || object.kind === 'foreign table'))
      droppedTables.add(object.name);
  }
  for (const [k, object] of current.objects) {
    if (target.objects.has(k)) continue;
    const parent = parentTable(object);
    // dropped with their table
    if (parent && droppedTables.has(parent)) continue;
    if (object.kind === 'sequence' && (object.attrs.identity === true || ownedByDropped(object, droppedTables)))
      continue;
    const sql = dropStatement(object);
    if (sql)
      drops.push({
        sql,
        destructive: true,
        reason: `drops ${object.kind} ${displayName(object.name)}`,
        object: k,
        rank: RANK[object.kind],
      });
  }
  for (const [k, object] of target.objects) {
    const existing = current.objects.get(k);
    if (!existing) {
      ctx.steps.push(...createStatements(object, ctx));
      continue;
    }
    const changed = Object.keys({ ...object.attrs, ...existing.attrs }).some(
      (a) => !NOTE_ATTRIBUTES.has(a) && !equal(object.attrs[a], existing.attrs[a]),
    );
    if (changed) alterStatements(object, existing, ctx, drops);
  }
  // the dependent views a change dropped come back after it
  for (const name of ctx.recreatedViews) {
    const view = target.objects.get(`view ${name}`) ?? target.objects.get(`materialized view ${name}`);
    const existing = current.objects.get(`view ${name}`) ?? current.objects.get(`materialized view ${name}`);
    if (!view || !existing) continue;
    if (!drops.some((d) => d.object === key(existing))) {
      drops.push({
        sql: dropStatement(existing)!,
        destructive: false,
        reason: undefined,
        object: key(existing),
        rank: RANK[existing.kind],
      });
    }
    if (!ctx.steps.some((s) => s.object === key(view) && /^CREATE/.test(s.sql)))
      ctx.steps.push(...createStatements(view, ctx));
  }
  const sortedDrops = drops.sort((a, b) => b.rank - a.rank);
  const sortedSteps = ctx.steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.rank - b.s.rank || (a.s.order ?? 0) - (b.s.order ?? 0) || a.i - b.i)
    .map(({ s }) => s);
  const statements = [...sortedDrops, ...sortedSteps].map(({ sql, destructive, reason, object }) => ({
    sql,
    destructive,
    ...(reason ? { reason } : {}),
    object,
  }));
  return statements;
}

const key = (o: SchemaObject) => `${o.kind} ${o.name}`;
const equal = (a: AttrValue | undefined, b: AttrValue | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function ownedByDropped(sequence: SchemaObject, droppedTables: Set<string>): boolean {
  const owner = sequence.attrs.owned_by;
  return typeof owner === 'string' && droppedTables.has(owner.slice(0, owner.lastIndexOf('.')));
}

/** The fix as one script: a header, then each statement with its safety marked. */
export function fixScript(statements: readonly FixStatement[], labels: { target: string; current: string }): string {
  const lines = [
    `-- SQL turning ${labels.current} into ${labels.target} (medicalcor schema diff --sql)`,
    `-- ${statements.length} statement(s), ${statements.filter((s) => s.destructive).length} destructive. Review ` +
      'before running.',
    'SET check_function_bodies = false;',
  ];
  for (const s of statements) {
    lines.push('', s.destructive ? `-- DESTRUCTIVE: ${s.reason ?? 'may lose data'}` : '-- safe', `${s.sql};`);
  }
  return `${lines.join('\n')}\n`;
}
