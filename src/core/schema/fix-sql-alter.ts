import { displayName, type AttrValue, type SchemaObject } from './model.js';
import {
  alterTableOf,
  commentChange,
  constraintDefinition,
  createStatements,
  domainConstraint,
  dropStatement,
  eventTriggerEnabled,
  functionDefinition,
  publicationTables,
  replicaIdentityClause,
  triggerEnabled,
} from './fix-sql-create.js';
import {
  grantSteps,
  holdsData,
  key,
  RANK,
  stepMaker,
  TABLE_LATE_RANK,
  type FixContext,
  type Step,
} from './fix-sql-plan.js';
import { ident, literal, optionKey, optionList, qualified, relOptionList, splitLast } from './sql-text.js';

const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
const same = (a: AttrValue | undefined, b: AttrValue | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Attributes every kind has that are changed in place: the comment and the grants. */
const COMMON = new Set(['comment', 'grants']);

/**
 * The statements changing `current` into `target` (same kind and name). What cannot be altered
 * in place is dropped (into `drops`) and created again.
 */
export function alterStatements(target: SchemaObject, current: SchemaObject, ctx: FixContext, drops: Step[]): void {
  const rank = RANK[target.kind];
  const k = key(target);
  const changed = new Set(
    Object.keys({ ...target.attrs, ...current.attrs }).filter(
      (a) => a !== 'column_order' && !same(target.attrs[a], current.attrs[a]),
    ),
  );
  const step = stepMaker(target);
  const push = (...steps: Step[]) => ctx.steps.push(...steps);
  const recreate = () => {
    const data = holdsData(target.kind);
    const sql = dropStatement(current);
    if (sql)
      drops.push({
        sql,
        destructive: data,
        reason: data ? `drops and recreates ${target.kind} ${displayName(target.name)}: its data is lost` : undefined,
        object: k,
        rank,
      });
    push(...createStatements(target, ctx));
  };
  const common = () => {
    if (changed.has('comment')) push(commentChange(target, rank));
    if (changed.has('grants'))
      push(...grantSteps(target, strings(current.attrs.grants), strings(target.attrs.grants), rank));
  };
  const only = (...attrs: string[]) => [...changed].every((a) => COMMON.has(a) || attrs.includes(a));
  const t = target.attrs;
  const c = current.attrs;

  switch (target.kind) {
    case 'column':
      return alterColumn(target, current, changed, ctx, drops, push, step, common);
    case 'table': {
      const table = qualified(target.name);
      if (!only('rls_enabled', 'rls_forced', 'options', 'replica_identity', 'persistence')) return recreate();
      if (changed.has('rls_enabled'))
        push(step(`ALTER TABLE ${table} ${t.rls_enabled === true ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`));
      if (changed.has('rls_forced'))
        push(step(`ALTER TABLE ${table} ${t.rls_forced === true ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`));
      if (changed.has('persistence'))
        push(step(`ALTER TABLE ${table} SET ${t.persistence === 'unlogged' ? 'UNLOGGED' : 'LOGGED'}`));
      if (changed.has('replica_identity'))
        push(step(`ALTER TABLE ${table} ${replicaIdentityClause(t.replica_identity)}`, { rank: TABLE_LATE_RANK }));
      if (changed.has('options')) push(...relOptionSteps('ALTER TABLE', table, t.options, c.options, step));
      return common();
    }
    case 'foreign table': {
      if (!only('foreign_options', 'server')) return recreate();
      const table = qualified(target.name);
      if (changed.has('server'))
        push(step(`ALTER FOREIGN TABLE ${table} OPTIONS (${optionList(strings(t.foreign_options))})`));
      if (changed.has('foreign_options'))
        push(...fdwOptionSteps(`ALTER FOREIGN TABLE ${table}`, t.foreign_options, c.foreign_options, step));
      return common();
    }
    case 'view':
    case 'materialized view':
      if (!only('options')) return recreate();
      if (changed.has('options'))
        push(
          ...relOptionSteps(
            target.kind === 'view' ? 'ALTER VIEW' : 'ALTER MATERIALIZED VIEW',
            qualified(target.name),
            t.options,
            c.options,
            step,
          ),
        );
      return common();
    case 'index': {
      // an INVALID index is what a failed build leaves behind: there is nothing to make on purpose
      if (only('valid') && t.valid === false) return common();
      if (only('valid', 'options') && changed.has('valid') && t.valid === undefined) {
        push(step(`REINDEX INDEX ${qualified(target.name)}`));
        if (changed.has('options'))
          push(...relOptionSteps('ALTER INDEX', qualified(target.name), t.options, c.options, step));
        return common();
      }
      if (!only('options')) return recreate();
      push(...relOptionSteps('ALTER INDEX', qualified(target.name), t.options, c.options, step));
      return common();
    }
    case 'constraint':
      if (!only()) {
        const [table, name] = splitLast(target.name);
        drops.push({ sql: dropStatement(current)!, destructive: false, object: k, rank });
        push(
          step(
            `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} ${constraintDefinition(target)}`,
            t.type === 'foreign key' ? { rank: 14 } : {},
          ),
        );
      }
      return common();
    case 'function':
      if (changed.has('returns') || changed.has('arguments') || changed.has('kind')) return recreate();
      if (!only()) push(step(functionDefinition(target)));
      return common();
    case 'trigger':
      if (!only('enabled')) return recreate();
      if (changed.has('enabled')) push(step(triggerEnabled(target)));
      return common();
    case 'rule':
      if (!only('enabled')) return recreate();
      if (changed.has('enabled')) {
        const [table, name] = splitLast(target.name);
        push(
          step(
            `ALTER TABLE ${qualified(table)} ${t.enabled === 'disabled' ? 'DISABLE' : 'ENABLE'} RULE ${ident(name)}`,
          ),
        );
      }
      return common();
    case 'event trigger':
      if (!only('enabled')) return recreate();
      if (changed.has('enabled')) push(step(eventTriggerEnabled(target)));
      return common();
    case 'statistics':
      if (!only('statistics')) return recreate();
      if (changed.has('statistics'))
        push(step(`ALTER STATISTICS ${qualified(target.name)} SET STATISTICS ${t.statistics ?? -1}`));
      return common();
    case 'sequence': {
      if (!only('type', 'start', 'increment', 'min', 'max', 'cache', 'cycle', 'owned_by')) return recreate();
      const clauses: string[] = [];
      if (changed.has('type')) clauses.push(`AS ${t.type}`);
      if (changed.has('increment')) clauses.push(`INCREMENT BY ${t.increment}`);
      if (changed.has('min')) clauses.push(`MINVALUE ${t.min}`);
      if (changed.has('max')) clauses.push(`MAXVALUE ${t.max}`);
      if (changed.has('start')) clauses.push(`START WITH ${t.start}`);
      if (changed.has('cache')) clauses.push(`CACHE ${t.cache}`);
      if (changed.has('cycle')) clauses.push(t.cycle === true ? 'CYCLE' : 'NO CYCLE');
      if (changed.has('owned_by') && t.identity !== true)
        clauses.push(`OWNED BY ${t.owned_by ? qualified(String(t.owned_by)) : 'NONE'}`);
      if (clauses.length)
        push(
          step(
            `ALTER SEQUENCE ${qualified(target.name)} ${clauses.join(' ')}`,
            changed.has('owned_by') ? { rank: TABLE_LATE_RANK } : {},
          ),
        );
      return common();
    }
    case 'enum':
      if (!only('values')) return recreate();
      if (changed.has('values')) alterEnum(target, current, ctx, push, step);
      return common();
    case 'domain': {
      if (!only('default', 'not_null', 'constraints')) return recreate();
      const domain = qualified(target.name);
      if (changed.has('default'))
        push(
          step(
            t.default === null
              ? `ALTER DOMAIN ${domain} DROP DEFAULT`
              : `ALTER DOMAIN ${domain} SET DEFAULT ${t.default}`,
          ),
        );
      if (changed.has('not_null')) {
        push(
          step(
            `ALTER DOMAIN ${domain} ${t.not_null === true ? 'SET' : 'DROP'} NOT NULL`,
            t.not_null === true ? { destructive: true, reason: 'fails where a column of the domain holds nulls' } : {},
          ),
        );
      }
      if (changed.has('constraints')) {
        const [from, to] = [strings(c.constraints), strings(t.constraints)];
        for (const entry of from.filter((x) => !to.includes(x))) {
          drops.push({
            sql: `ALTER DOMAIN ${domain} DROP CONSTRAINT ${ident(entry.slice(0, entry.indexOf(': ')))}`,
            destructive: false,
            object: k,
            rank,
          });
        }
        for (const entry of to.filter((x) => !from.includes(x))) push(step(domainConstraint(target.name, entry)));
      }
      return common();
    }
    case 'composite type': {
      if (!only('attributes')) return recreate();
      const type = qualified(target.name);
      const nameOf = (entry: string) => entry.slice(0, entry.indexOf(' '));
      const [from, to] = [strings(c.attributes), strings(t.attributes)];
      for (const entry of from) {
        const wanted = to.find((x) => nameOf(x) === nameOf(entry));
        if (!wanted)
          push(
            step(`ALTER TYPE ${type} DROP ATTRIBUTE ${nameOf(entry)}`, {
              destructive: true,
              reason: 'drops an attribute of a composite type',
            }),
          );
        else if (wanted !== entry)
          push(
            step(`ALTER TYPE ${type} ALTER ATTRIBUTE ${nameOf(entry)} TYPE ${wanted.slice(wanted.indexOf(' ') + 1)}`, {
              destructive: true,
              reason: 'changes an attribute type',
            }),
          );
      }
      for (const entry of to.filter((x) => !from.some((y) => nameOf(y) === nameOf(x))))
        push(step(`ALTER TYPE ${type} ADD ATTRIBUTE ${entry}`));
      return common();
    }
    case 'publication': {
      if (!only('tables', 'publish', 'via_root')) return recreate();
      const name = ident(target.name);
      if (changed.has('tables')) {
        const tables = publicationTables(target);
        push(
          step(
            tables.length
              ? `ALTER PUBLICATION ${name} SET TABLE ${tables.join(', ')}`
              : `ALTER PUBLICATION ${name} DROP TABLE ${publicationTables(current).join(', ')}`,
          ),
        );
      }
      if (changed.has('publish') || changed.has('via_root')) {
        push(
          step(
            `ALTER PUBLICATION ${name} SET (publish = ${literal(String(t.publish))}, publish_via_partition_root = ` +
              `${t.via_root === true})`,
          ),
        );
      }
      return common();
    }
    case 'extension':
      if (!only('schema')) return recreate();
      if (changed.has('schema'))
        push(step(`ALTER EXTENSION ${ident(target.name)} SET SCHEMA ${ident(String(t.schema))}`));
      return common();
    case 'foreign server': {
      if (!only('version', 'options')) return recreate();
      const head = `ALTER SERVER ${ident(target.name)}`;
      if (changed.has('version')) push(step(`${head} VERSION ${t.version ? literal(String(t.version)) : 'NULL'}`));
      if (changed.has('options')) push(...fdwOptionSteps(head, t.options, c.options, step));
      return common();
    }
    case 'foreign data wrapper': {
      if (!only('handler', 'validator', 'options')) return recreate();
      const head = `ALTER FOREIGN DATA WRAPPER ${ident(target.name)}`;
      if (changed.has('handler')) push(step(`${head} ${t.handler ? `HANDLER ${t.handler}` : 'NO HANDLER'}`));
      if (changed.has('validator')) push(step(`${head} ${t.validator ? `VALIDATOR ${t.validator}` : 'NO VALIDATOR'}`));
      if (changed.has('options')) push(...fdwOptionSteps(head, t.options, c.options, step));
      return common();
    }
    default:
      // policies, casts, operators, collations, schemas: recreated (comments and grants in place)
      if (only()) return common();
      return recreate();
  }
}

function relOptionSteps(head: string, name: string, to: unknown, from: unknown, step: (sql: string) => Step): Step[] {
  const [want, have] = [strings(to), strings(from)];
  const steps: Step[] = [];
  const reset = have.map(optionKey).filter((k) => !want.some((w) => optionKey(w) === k));
  if (reset.length) steps.push(step(`${head} ${name} RESET (${reset.join(', ')})`));
  const set = want.filter((w) => !have.includes(w));
  if (set.length) steps.push(step(`${head} ${name} SET (${relOptionList(set)})`));
  return steps;
}

function fdwOptionSteps(head: string, to: unknown, from: unknown, step: (sql: string) => Step): Step[] {
  const [want, have] = [strings(to), strings(from)];
  const actions = [
    ...have.filter((h) => !want.some((w) => optionKey(w) === optionKey(h))).map((h) => `DROP ${ident(optionKey(h))}`),
    ...want
      .filter((w) => !have.includes(w))
      .map((w) => `${have.some((h) => optionKey(h) === optionKey(w)) ? 'SET' : 'ADD'} ${optionList([w])}`),
  ];
  return actions.length ? [step(`${head} OPTIONS (${actions.join(', ')})`)] : [];
}

/** Views that read `table` (by name in their definition): dropped and recreated around a change to it. */
function dependentViews(ctx: FixContext, table: string): string[] {
  const short = splitLast(table)[1];
  const word = new RegExp(`(?<![\\w$])${short.replace(/[$]/g, '\\$')}(?![\\w$])`);
  return [...ctx.target.objects.values()]
    .filter(
      (o) =>
        (o.kind === 'view' || o.kind === 'materialized view') &&
        ctx.current.objects.has(key(o)) &&
        word.test(String(o.attrs.definition ?? '')),
    )
    .map((o) => o.name);
}

function alterColumn(
  target: SchemaObject,
  current: SchemaObject,
  changed: Set<string>,
  ctx: FixContext,
  drops: Step[],
  push: (...s: Step[]) => void,
  step: (sql: string, extra?: Partial<Step>) => Step,
  common: () => void,
): void {
  const [table, column] = splitLast(target.name);
  const head = `${alterTableOf(ctx, table)} ${qualified(table)} ALTER COLUMN ${ident(column)}`;
  const t = target.attrs;
  const k = key(target);
  const rank = RANK.column;
  if (changed.has('generated') || changed.has('generation_expression')) {
    drops.push({
      sql: dropStatement(current)!,
      destructive: true,
      reason: `drops and recreates column ${displayName(target.name)}: its data is lost`,
      object: k,
      rank,
    });
    push(...createStatements(target, ctx));
    return;
  }
  if (changed.has('type') || changed.has('collation')) {
    for (const view of dependentViews(ctx, table)) ctx.recreatedViews.add(view);
    const collate = t.collation ? ` COLLATE ${ident(String(t.collation))}` : '';
    if (changed.has('default') || current.attrs.default) push(step(`${head} DROP DEFAULT`));
    push(
      step(
        `${head} TYPE ${t.type}${collate} USING ${ident(column)}::${t.type}`,
        changed.has('type') ? { destructive: true, reason: `changes the type of ${displayName(target.name)}` } : {},
      ),
    );
    if (t.default !== null && t.default !== undefined) push(step(`${head} SET DEFAULT ${t.default}`));
  } else if (changed.has('default')) {
    push(
      step(t.default === null || t.default === undefined ? `${head} DROP DEFAULT` : `${head} SET DEFAULT ${t.default}`),
    );
  }
  if (changed.has('identity')) {
    if (!t.identity) push(step(`${head} DROP IDENTITY`));
    else if (!current.attrs.identity)
      push(step(`${head} ADD GENERATED ${t.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`));
    else push(step(`${head} SET GENERATED ${t.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`));
  }
  if (changed.has('not_null') && !(changed.has('identity') && t.identity)) {
    push(
      step(
        `${head} ${t.not_null === true ? 'SET' : 'DROP'} NOT NULL`,
        t.not_null === true ? { destructive: true, reason: 'fails on existing rows holding nulls' } : {},
      ),
    );
  }
  if (changed.has('storage')) {
    if (t.storage) push(step(`${head} SET STORAGE ${String(t.storage).toUpperCase()}`));
    else push(step(storageDefault(table, column, String(t.type))));
  }
  if (changed.has('compression')) push(step(`${head} SET COMPRESSION ${t.compression ?? 'DEFAULT'}`));
  if (changed.has('statistics')) push(step(`${head} SET STATISTICS ${t.statistics ?? -1}`));
  if (changed.has('fdw_options')) push(...fdwOptionSteps(head, t.fdw_options, current.attrs.fdw_options, step));
  common();
}

/** Back to the type's own storage: PostgreSQL 15 has no SET STORAGE DEFAULT, so it is looked up. */
function storageDefault(table: string, column: string, type: string): string {
  const names: Record<string, string> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };
  const cases = Object.entries(names)
    .map(([code, word]) => `when ${literal(code)} then ${literal(word)}`)
    .join(' ');
  const sql = `ALTER TABLE ${qualified(table)} ALTER COLUMN ${ident(column)} SET STORAGE `;
  const storage = `(select case typstorage ${cases} end from pg_type where oid = ${literal(type)}::regtype)`;
  return `DO $fix$ BEGIN EXECUTE ${literal(sql)} || ${storage}; END $fix$`;
}

/**
 * An enum loses values only by being recreated: renamed away, created anew, its columns
 * converted through text (dependent views dropped and recreated), the old type dropped.
 * Values only added are added in place.
 */
function alterEnum(
  target: SchemaObject,
  current: SchemaObject,
  ctx: FixContext,
  push: (...s: Step[]) => void,
  step: (sql: string, extra?: Partial<Step>) => Step,
): void {
  const [want, have] = [strings(target.attrs.values), strings(current.attrs.values)];
  const type = qualified(target.name);
  const kept = want.filter((v) => have.includes(v));
  if (have.every((v) => want.includes(v)) && JSON.stringify(kept) === JSON.stringify(have)) {
    // in order, so the value before each new one exists by the time it is added
    want.forEach((v, i) => {
      if (have.includes(v)) return;
      const place = i > 0 ? ` AFTER ${literal(want[i - 1]!)}` : have.length ? ` BEFORE ${literal(have[0]!)}` : '';
      push(step(`ALTER TYPE ${type} ADD VALUE ${literal(v)}${place}`));
    });
    return;
  }
  const shown = target.name.startsWith('public.') ? target.name.slice('public.'.length) : target.name;
  const old = `${splitLast(target.name)[1]}__medicalcor_old`;
  const columns = [...ctx.target.objects.values()].filter(
    (o) => o.kind === 'column' && o.attrs.type === shown && ctx.current.objects.has(key(o)),
  );
  for (const column of columns)
    for (const view of dependentViews(ctx, splitLast(column.name)[0])) ctx.recreatedViews.add(view);
  const removed = have.filter((v) => !want.includes(v)).join(', ') || 'its old order';
  const reason =
    `recreates enum ${displayName(target.name)} without ${removed}: ` + 'rows holding a removed value make it fail';
  push(step(`ALTER TYPE ${type} RENAME TO ${ident(old)}`, { destructive: true, reason }));
  push(step(`CREATE TYPE ${type} AS ENUM (${want.map(literal).join(', ')})`));
  for (const column of columns) {
    const [table, name] = splitLast(column.name);
    const head = `ALTER TABLE ${qualified(table)} ALTER COLUMN ${ident(name)}`;
    if (column.attrs.default) push(step(`${head} DROP DEFAULT`));
    push(step(`${head} TYPE ${type} USING ${ident(name)}::text::${type}`, { destructive: true, reason }));
    if (column.attrs.default) push(step(`${head} SET DEFAULT ${column.attrs.default}`));
  }
  const oldQualified = `${qualified(splitLast(target.name)[0])}.${ident(old)}`;
  push(step(`DROP TYPE ${oldQualified}`));
}
