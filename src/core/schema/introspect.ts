import type pg from 'pg';
import { QUERIES } from './catalog-queries.js';
import { addObject, emptyModel, type SchemaModel } from './model.js';

/** Tables of the migration tooling itself: they are not part of the schema the migrations describe. */
export const TOOLING_TABLES = new Set([
  'schema_migrations',
  'medicalcor_migration_ledger',
  'medicalcor_migration_failures',
]);

type Row = Record<string, any>;

const CONSTRAINT_TYPES: Record<string, string> = {
  p: 'primary key',
  u: 'unique',
  f: 'foreign key',
  c: 'check',
  x: 'exclusion',
};
const FK_ACTIONS: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};
const FK_MATCH: Record<string, string> = { s: 'simple', f: 'full', p: 'partial' };
const VOLATILITY: Record<string, string> = { i: 'immutable', s: 'stable', v: 'volatile' };
const PARALLEL: Record<string, string> = { s: 'safe', r: 'restricted', u: 'unsafe' };
const FUNCTION_KINDS: Record<string, string> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const TRIGGER_ENABLED: Record<string, string> = { O: 'enabled', D: 'disabled', R: 'replica', A: 'always' };
const POLICY_COMMANDS: Record<string, string> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };
const PERSISTENCE: Record<string, string> = { p: 'permanent', u: 'unlogged', t: 'temporary' };

const orNull = <T>(v: T | null | undefined) => (v === undefined || v === null ? null : v);
function list(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  // an unparsed array literal means a query returned an array type pg does not decode: a bug here
  if (!Array.isArray(v)) throw new Error(`catalog query returned ${JSON.stringify(v)} where a list was expected`);
  return v.map(String);
}
const sortedList = (v: unknown): string[] | null => (Array.isArray(v) && v.length ? v.map(String).sort() : null);

/** tgtype bits (pg_trigger.h): row, timing, events. */
function decodeTriggerType(type: number): { level: string; timing: string; events: string[] } {
  const events: string[] = [];
  if (type & 4) events.push('INSERT');
  if (type & 8) events.push('DELETE');
  if (type & 16) events.push('UPDATE');
  if (type & 32) events.push('TRUNCATE');
  return {
    level: type & 1 ? 'row' : 'statement',
    timing: type & 2 ? 'BEFORE' : type & 64 ? 'INSTEAD OF' : 'AFTER',
    events,
  };
}

/** The WHEN condition as PostgreSQL prints it in the trigger's definition. */
function triggerCondition(definition: string): string | null {
  const match = /\sWHEN \((.*)\) EXECUTE (?:FUNCTION|PROCEDURE) /s.exec(definition);
  return match ? match[1]! : null;
}

function triggerArguments(definition: string): string {
  const match = /EXECUTE (?:FUNCTION|PROCEDURE) [^(]*\((.*)\)\s*$/s.exec(definition);
  return match ? match[1]! : '';
}

const NOT_AN_ALIAS = new Set([
  'where',
  'group',
  'order',
  'limit',
  'offset',
  'window',
  'having',
  'join',
  'union',
  'except',
  'intersect',
  'fetch',
  'for',
  'tablesample',
]);

/**
 * PostgreSQL 16+ prints a view reading one relation without qualifying its columns
 * ("created_at"), 15 qualifies them ("l.created_at"): drop that qualifier so both read the same.
 */
export function normalizeViewDefinition(definition: string, relationsRead: number): string {
  if (relationsRead !== 1) return definition;
  const from = /\bFROM\s+(?:[\w"]+\.)?([\w"]+)(?:\s+(?:AS\s+)?([\w"]+))?/i.exec(definition);
  if (!from) return definition;
  const alias = from[2] && !NOT_AN_ALIAS.has(from[2].toLowerCase()) ? from[2] : from[1]!;
  const escaped = alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // only outside string literals
  return definition
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 ? part : part.replace(new RegExp(`(?<![\\w".])${escaped}\\.(?=[\\w"])`, 'g'), '')))
    .join('');
}

/**
 * Reads the schema of the database behind `client` into the model, in one read-only snapshot.
 * search_path is pinned so that names printed by pg_get_* are qualified the same way on every
 * server (public objects unqualified, others qualified).
 *
 * `inTransaction`: the client is inside a transaction of the caller's, whose uncommitted changes are
 * to be read (a fix proved and rolled back). The read then runs in a savepoint, in the caller's
 * snapshot, and leaves the transaction open and its settings as they were.
 */
export async function introspect(
  client: pg.ClientBase,
  options: { inTransaction?: boolean } = {},
): Promise<SchemaModel> {
  const names = Object.keys(QUERIES) as (keyof typeof QUERIES)[];
  const [open, close] = options.inTransaction
    ? ['savepoint medicalcor_introspect', 'rollback to savepoint medicalcor_introspect']
    : ['begin isolation level repeatable read read only', 'rollback'];
  // one round trip: the statements go as one simple-protocol query and come back as one result each
  const script = [open, 'set local search_path = public', ...names.map((n) => QUERIES[n]), close].join(';\n');
  let replies: pg.QueryResult[];
  try {
    replies = (await client.query(script)) as unknown as pg.QueryResult[];
  } catch (error) {
    await client.query(close).catch(() => {});
    throw error;
  }
  if (options.inTransaction) await client.query('release savepoint medicalcor_introspect');
  const results = Object.fromEntries(names.map((n, i) => [n, replies[i + 2]!.rows])) as Record<
    keyof typeof QUERIES,
    Row[]
  >;
  return buildModel(results);
}

export function buildModel(rows: Record<keyof typeof QUERIES, Row[]>): SchemaModel {
  const model = emptyModel();
  for (const r of rows.extensions) addObject(model, 'extension', r.name, { schema: r.schema });
  for (const r of rows.schemas) addObject(model, 'schema', r.name, { comment: r.comment, grants: list(r.grants) });

  const tables = new Map<string, string>();
  for (const r of rows.relations) {
    const name = `${r.schema}.${r.name}`;
    if (TOOLING_TABLES.has(r.name)) continue;
    tables.set(String(r.oid), name);
    const common = { comment: r.comment, grants: list(r.grants), options: sortedList(r.options) };
    const definition =
      r.definition === null ? undefined : normalizeViewDefinition(r.definition, Number(r.relations_read));
    if (r.kind === 'v') addObject(model, 'view', name, { definition, ...common });
    else if (r.kind === 'm') addObject(model, 'materialized view', name, { definition, ...common });
    else if (r.kind === 'f') {
      addObject(model, 'foreign table', name, {
        server: r.foreign_server,
        foreign_options: sortedList(r.foreign_options),
        column_order: list(r.column_order),
        ...common,
      });
    } else {
      addObject(model, 'table', name, {
        replica_identity: replicaIdentity(r.replica_identity, r.replica_index),
        column_order: list(r.column_order),
        rls_enabled: r.rls_enabled,
        rls_forced: r.rls_forced,
        persistence: PERSISTENCE[r.persistence] ?? r.persistence,
        partition_key: orNull(r.partition_key),
        partition_of: r.parent ? `${r.parent} ${r.partition_bound ?? ''}`.trim() : null,
        ...common,
      });
    }
  }
  const tableOf = (oid: unknown) => tables.get(String(oid));

  for (const r of rows.columns) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    addObject(model, 'column', `${table}.${r.name}`, {
      type: r.type,
      not_null: r.not_null,
      default: orNull(r.default),
      identity: orNull(r.identity),
      generated: orNull(r.generated),
      generation_expression: orNull(r.generation_expression),
      collation: orNull(r.collation),
      comment: r.comment,
      grants: r.grants ? list(r.grants) : null,
      storage: r.storage ? (STORAGE[r.storage] ?? r.storage) : undefined,
      compression: r.compression ? (COMPRESSION[r.compression] ?? r.compression) : undefined,
      statistics: r.statistics === null || r.statistics === undefined ? undefined : Number(r.statistics),
      fdw_options: sortedList(r.fdw_options) ?? undefined,
    });
  }

  for (const r of rows.constraints) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    const type = CONSTRAINT_TYPES[r.type]!;
    const attrs: Record<string, unknown> = {
      type,
      columns: list(r.columns),
      deferrable: r.deferrable,
      initially_deferred: r.initially_deferred,
      validated: r.validated,
      comment: r.comment,
    };
    if (type === 'foreign key') {
      Object.assign(attrs, {
        references: `${r.ref_table}(${list(r.ref_columns).join(', ')})`,
        on_delete: FK_ACTIONS[r.on_delete],
        on_update: FK_ACTIONS[r.on_update],
        match: FK_MATCH[r.match],
      });
    }
    if (type === 'check' || type === 'exclusion') attrs.definition = r.definition;
    addObject(model, 'constraint', `${table}.${r.name}`, attrs as never);
  }

  for (const r of rows.indexes) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    const keys = list(r.keys);
    addObject(model, 'index', `${r.schema}.${r.name}`, {
      table,
      method: r.method,
      unique: r.unique,
      nulls_not_distinct: r.nulls_not_distinct ? true : undefined,
      keys: keys.slice(0, r.key_count),
      include: keys.length > r.key_count ? keys.slice(r.key_count) : undefined,
      predicate: orNull(r.predicate),
      options: sortedList(r.options),
      // an index a failed CREATE INDEX CONCURRENTLY left behind is not used by queries: drift
      valid: r.valid === false ? false : undefined,
      comment: r.comment,
    });
  }

  for (const r of rows.sequences) {
    const owner = r.owned_by as string | null;
    if (owner && TOOLING_TABLES.has(owner.split('.')[1]!)) continue;
    addObject(model, 'sequence', `${r.schema}.${r.name}`, {
      type: r.type,
      start: r.start,
      increment: r.increment,
      min: r.min,
      max: r.max,
      cache: r.cache,
      cycle: r.cycle,
      owned_by: orNull(owner),
      identity: r.identity,
      comment: r.comment,
      grants: list(r.grants),
    });
  }

  for (const r of rows.functions) {
    addObject(model, 'function', `${r.schema}.${r.name}(${r.identity_args})`, {
      kind: FUNCTION_KINDS[r.function_kind] ?? r.function_kind,
      arguments: r.arguments,
      returns: orNull(r.returns),
      language: r.language,
      volatility: VOLATILITY[r.volatility],
      strict: r.strict,
      security_definer: r.security_definer,
      leakproof: r.leakproof,
      parallel: PARALLEL[r.parallel],
      config: sortedList(r.config),
      cost: r.cost,
      rows: r.rows,
      // a checkout with CRLF line endings must not read as a changed function
      body: typeof r.body === 'string' ? r.body.replace(/\r\n/g, '\n') : r.body,
      comment: r.comment,
      grants: list(r.grants),
    });
  }

  for (const r of rows.triggers) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    const { level, timing, events } = decodeTriggerType(r.type);
    const updateColumns = list(r.update_columns);
    addObject(model, 'trigger', `${table}.${r.name}`, {
      timing,
      events,
      level,
      update_columns: updateColumns.length ? updateColumns : null,
      condition: triggerCondition(r.definition),
      function: r.function,
      arguments: triggerArguments(r.definition),
      enabled: TRIGGER_ENABLED[r.enabled] ?? r.enabled,
      comment: r.comment,
    });
  }

  for (const r of rows.enums)
    addObject(model, 'enum', `${r.schema}.${r.name}`, {
      values: list(r.values),
      comment: r.comment,
      grants: list(r.grants),
    });

  for (const r of rows.policies) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    addObject(model, 'policy', `${table}.${r.name}`, {
      command: POLICY_COMMANDS[r.command] ?? r.command,
      permissive: r.permissive,
      roles: list(r.roles),
      using: orNull(r.using),
      with_check: orNull(r.with_check),
      comment: r.comment,
    });
  }
  addNewerKinds(model, rows, tableOf);
  return model;
}

const STORAGE: Record<string, string> = { p: 'plain', e: 'external', m: 'main', x: 'extended' };
const COMPRESSION: Record<string, string> = { p: 'pglz', l: 'lz4' };
const CAST_CONTEXT: Record<string, string> = { e: 'explicit', a: 'assignment', i: 'implicit' };
const CAST_METHOD: Record<string, string> = { f: 'function', i: 'inout', b: 'binary' };
const COLLATION_PROVIDER: Record<string, string> = { c: 'libc', i: 'icu', b: 'builtin', d: 'default' };
const EVENT_TRIGGER_ENABLED: Record<string, string> = { O: 'enabled', D: 'disabled', R: 'replica', A: 'always' };
const RULE_ENABLED = EVENT_TRIGGER_ENABLED;

/** Replica identity, only when it is not the default (the primary key). */
function replicaIdentity(code: string, index: string | null): string | undefined {
  if (code === 'f') return 'full';
  if (code === 'n') return 'nothing';
  if (code === 'i') return `index ${index ?? '?'}`;
  return undefined;
}

/**
 * Domains, composite types, collations, casts, operators, publications, rules, extended
 * statistics, event triggers and foreign-data wrappers and servers.
 */
function addNewerKinds(
  model: SchemaModel,
  rows: Record<keyof typeof QUERIES, Row[]>,
  tableOf: (oid: unknown) => string | undefined,
): void {
  for (const r of rows.domains) {
    addObject(model, 'domain', `${r.schema}.${r.name}`, {
      base_type: r.base_type,
      not_null: r.not_null,
      default: orNull(r.default),
      collation: orNull(r.collation),
      constraints: list(r.constraints),
      comment: r.comment,
      grants: list(r.grants),
    });
  }
  for (const r of rows.compositeTypes) {
    addObject(model, 'composite type', `${r.schema}.${r.name}`, {
      attributes: list(r.attributes),
      comment: r.comment,
      grants: list(r.grants),
    });
  }
  for (const r of rows.collations) {
    addObject(model, 'collation', `${r.schema}.${r.name}`, {
      provider: COLLATION_PROVIDER[r.provider] ?? r.provider,
      deterministic: r.deterministic,
      lc_collate: orNull(r.lc_collate),
      lc_ctype: orNull(r.lc_ctype),
      comment: r.comment,
    });
  }
  for (const r of rows.casts) {
    addObject(model, 'cast', `(${r.source} AS ${r.target})`, {
      source: r.source,
      target: r.target,
      function: orNull(r.function),
      context: CAST_CONTEXT[r.context] ?? r.context,
      method: CAST_METHOD[r.method] ?? r.method,
      comment: r.comment,
    });
  }
  for (const r of rows.operators) {
    addObject(model, 'operator', `${r.schema}.${r.name}(${r.left_type ?? 'NONE'}, ${r.right_type ?? 'NONE'})`, {
      left_type: orNull(r.left_type),
      right_type: orNull(r.right_type),
      result: r.result,
      function: r.function,
      commutator: orNull(r.commutator),
      negator: orNull(r.negator),
      restrict: orNull(r.restrict),
      join: orNull(r.join),
      hashes: r.hashes,
      merges: r.merges,
      comment: r.comment,
    });
  }
  for (const r of rows.publications) {
    addObject(model, 'publication', r.name, {
      all_tables: r.all_tables,
      tables: list(r.tables),
      via_root: r.via_root,
      publish: [r.insert && 'insert', r.update && 'update', r.delete && 'delete', r.truncate && 'truncate']
        .filter(Boolean)
        .join(', '),
      comment: r.comment,
    });
  }
  for (const r of rows.rules) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    addObject(model, 'rule', `${table}.${r.name}`, {
      definition: r.definition,
      enabled: RULE_ENABLED[r.enabled] ?? r.enabled,
      comment: r.comment,
    });
  }
  for (const r of rows.statistics) {
    const table = tableOf(r.table_oid);
    if (!table) continue;
    addObject(model, 'statistics', `${r.schema}.${r.name}`, {
      table,
      definition: r.definition,
      statistics: r.statistics === null ? null : Number(r.statistics),
      comment: r.comment,
    });
  }
  for (const r of rows.eventTriggers) {
    addObject(model, 'event trigger', r.name, {
      event: r.event,
      function: r.function,
      enabled: EVENT_TRIGGER_ENABLED[r.enabled] ?? r.enabled,
      tags: sortedList(r.tags),
      comment: r.comment,
    });
  }
  for (const r of rows.foreignDataWrappers) {
    addObject(model, 'foreign data wrapper', r.name, {
      handler: orNull(r.handler),
      validator: orNull(r.validator),
      options: sortedList(r.options),
      comment: r.comment,
    });
  }
  for (const r of rows.foreignServers) {
    addObject(model, 'foreign server', r.name, {
      wrapper: r.wrapper,
      type: orNull(r.type),
      version: orNull(r.version),
      options: sortedList(r.options),
      comment: r.comment,
    });
  }
}
