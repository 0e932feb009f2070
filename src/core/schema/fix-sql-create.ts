import type { SchemaObject } from './model.js';
import {
  DEFAULT_GRANTS,
  FOREIGN_KEY_RANK,
  grantSteps,
  key,
  KIND_WORD,
  objectClause,
  RANK,
  routineWord,
  stepMaker,
  TABLE_LATE_RANK,
  type FixContext,
  type Step,
} from './fix-sql-plan.js';
import { dollarQuoted, ident, indexKey, literal, optionList, qualified, relOptionList, splitLast } from './sql-text.js';

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

/** DROP for an object that is not wanted; undefined when it goes with something else. */
export function dropStatement(object: SchemaObject): string | undefined {
  const clause = objectClause(object);
  switch (object.kind) {
    case 'column': {
      const [table, column] = splitLast(object.name);
      return `ALTER TABLE ${qualified(table)} DROP COLUMN ${ident(column)}`;
    }
    case 'constraint': {
      const [table, name] = splitLast(object.name);
      return `ALTER TABLE ${qualified(table)} DROP CONSTRAINT ${ident(name)}`;
    }
    case 'function':
      return `DROP ${routineWord(object)} ${clause}`;
    case 'sequence':
      return object.attrs.identity === true ? undefined : `DROP SEQUENCE ${clause}`;
    default:
      return `DROP ${KIND_WORD[object.kind]} ${clause}`;
  }
}

/** The comment of a new object, when it has one. */
function commentStep(object: SchemaObject, rank: number): Step[] {
  const comment = str(object.attrs.comment);
  if (!comment) return [];
  const word = object.kind === 'function' ? routineWord(object) : KIND_WORD[object.kind];
  return [
    {
      sql: `COMMENT ON ${word} ${objectClause(object)} IS ${literal(comment)}`,
      destructive: false,
      object: key(object),
      rank,
    },
  ];
}

export function commentChange(object: SchemaObject, rank: number): Step {
  const comment = str(object.attrs.comment);
  const word = object.kind === 'function' ? routineWord(object) : KIND_WORD[object.kind];
  return {
    sql: `COMMENT ON ${word} ${objectClause(object)} IS ${comment ? literal(comment) : 'NULL'}`,
    destructive: false,
    object: key(object),
    rank,
  };
}

export function columnDefinition(object: SchemaObject): string {
  const [, column] = splitLast(object.name);
  const a = object.attrs;
  const parts = [ident(column), String(a.type)];
  if (a.collation) parts.push(`COLLATE ${ident(String(a.collation))}`);
  if (Array.isArray(a.fdw_options) && a.fdw_options.length) parts.push(`OPTIONS (${optionList(a.fdw_options)})`);
  if (a.generated === 'stored' || a.generated === 'virtual')
    parts.push(`GENERATED ALWAYS AS (${a.generation_expression}) ${a.generated === 'stored' ? 'STORED' : 'VIRTUAL'}`);
  else if (a.identity) parts.push(`GENERATED ${a.identity === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`);
  else if (a.default !== null && a.default !== undefined) parts.push(`DEFAULT ${a.default}`);
  if (a.not_null === true && !a.identity) parts.push('NOT NULL');
  return parts.join(' ');
}

/** ALTER TABLE or ALTER FOREIGN TABLE, as the column's table needs. */
export function alterTableOf(ctx: FixContext, table: string): string {
  return ctx.target.objects.has(`foreign table ${table}`) || ctx.current.objects.has(`foreign table ${table}`)
    ? 'ALTER FOREIGN TABLE'
    : 'ALTER TABLE';
}

/** Column settings that have no place in ADD COLUMN: storage, compression, statistics target. */
export function columnSettings(object: SchemaObject, ctx: FixContext): string[] {
  const [table, column] = splitLast(object.name);
  const head = `${alterTableOf(ctx, table)} ${qualified(table)} ALTER COLUMN ${ident(column)}`;
  const out: string[] = [];
  if (object.attrs.storage) out.push(`${head} SET STORAGE ${String(object.attrs.storage).toUpperCase()}`);
  if (object.attrs.compression) out.push(`${head} SET COMPRESSION ${object.attrs.compression}`);
  if (object.attrs.statistics !== undefined && object.attrs.statistics !== null)
    out.push(`${head} SET STATISTICS ${object.attrs.statistics}`);
  return out;
}

export function constraintDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const columns = strings(a.columns).map(ident).join(', ');
  let body: string;
  if (a.type === 'primary key') body = `PRIMARY KEY (${columns})`;
  else if (a.type === 'unique') body = `UNIQUE (${columns})`;
  else if (a.type === 'foreign key') {
    const ref = String(a.references);
    const open = ref.indexOf('(');
    const refColumns = ref
      .slice(open + 1, -1)
      .split(', ')
      .map(ident)
      .join(', ');
    body = `FOREIGN KEY (${columns}) REFERENCES ${qualified(ref.slice(0, open))} (${refColumns})`;
    if (a.match === 'full') body += ' MATCH FULL';
    if (a.on_update && a.on_update !== 'no action') body += ` ON UPDATE ${String(a.on_update).toUpperCase()}`;
    if (a.on_delete && a.on_delete !== 'no action') body += ` ON DELETE ${String(a.on_delete).toUpperCase()}`;
  } else body = String(a.definition);
  if (a.deferrable === true) body += a.initially_deferred === true ? ' DEFERRABLE INITIALLY DEFERRED' : ' DEFERRABLE';
  if (a.validated === false && (a.type === 'check' || a.type === 'foreign key')) body += ' NOT VALID';
  return body;
}

export function indexDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const [, name] = splitLast(object.name);
  let sql =
    `CREATE ${a.unique === true ? 'UNIQUE ' : ''}INDEX ${ident(name)} ON ${qualified(String(a.table))} ` +
    `USING ${a.method} (${strings(a.keys).map(indexKey).join(', ')})`;
  if (Array.isArray(a.include) && a.include.length) sql += ` INCLUDE (${a.include.join(', ')})`;
  if (a.nulls_not_distinct === true) sql += ' NULLS NOT DISTINCT';
  if (Array.isArray(a.options) && a.options.length) sql += ` WITH (${relOptionList(a.options)})`;
  if (a.predicate) sql += ` WHERE ${a.predicate}`;
  return sql;
}

export function functionDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const open = object.name.indexOf('(');
  const name = qualified(object.name.slice(0, open));
  const word = routineWord(object);
  const parts = [`CREATE OR REPLACE ${word} ${name}(${a.arguments ?? ''})`];
  if (word === 'FUNCTION') parts.push(`RETURNS ${a.returns}`);
  parts.push(`LANGUAGE ${a.language}`);
  if (word === 'FUNCTION') {
    parts.push(String(a.volatility).toUpperCase());
    if (a.strict === true) parts.push('STRICT');
    if (a.leakproof === true) parts.push('LEAKPROOF');
    parts.push(`PARALLEL ${String(a.parallel).toUpperCase()}`, `COST ${a.cost}`);
    if (a.rows && a.rows !== '0') parts.push(`ROWS ${a.rows}`);
  }
  if (a.security_definer === true) parts.push('SECURITY DEFINER');
  for (const setting of strings(a.config)) {
    const at = setting.indexOf('=');
    const [k, v] = [setting.slice(0, at), setting.slice(at + 1)];
    parts.push(`SET ${k} = ${k === 'search_path' ? v : literal(v)}`);
  }
  const body = String(a.body ?? '');
  // a SQL-standard body (BEGIN ATOMIC … END, RETURN …) is not a string literal
  if (a.language === 'sql' && /^\s*(BEGIN ATOMIC|RETURN)\b/i.test(body)) parts.push(body);
  else parts.push(`AS ${dollarQuoted(body)}`);
  return parts.join('\n  ');
}

export function triggerDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const [table, name] = splitLast(object.name);
  const updateColumns = strings(a.update_columns);
  const events = strings(a.events).map((e) =>
    e === 'UPDATE' && updateColumns.length ? `UPDATE OF ${updateColumns.map(ident).join(', ')}` : e,
  );
  let sql =
    `CREATE TRIGGER ${ident(name)} ${a.timing} ${events.join(' OR ')} ON ${qualified(table)} ` +
    `FOR EACH ${String(a.level).toUpperCase()}`;
  if (a.condition) sql += ` WHEN (${a.condition})`;
  return `${sql} EXECUTE FUNCTION ${qualified(String(a.function))}(${a.arguments ?? ''})`;
}

/** ALTER TABLE … ENABLE/DISABLE TRIGGER for a trigger's enabled state. */
export function triggerEnabled(object: SchemaObject): string {
  const [table, name] = splitLast(object.name);
  const how: Record<string, string> = {
    enabled: 'ENABLE',
    disabled: 'DISABLE',
    replica: 'ENABLE REPLICA',
    always: 'ENABLE ALWAYS',
  };
  return `ALTER TABLE ${qualified(table)} ${how[String(object.attrs.enabled)] ?? 'ENABLE'} TRIGGER ${ident(name)}`;
}

export function policyDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const kind = a.permissive === false ? 'RESTRICTIVE' : 'PERMISSIVE';
  let sql = `CREATE POLICY ${objectClause(object)} AS ${kind} FOR ${a.command}`;
  sql += ` TO ${
    strings(a.roles)
      .map((r) => (r === 'PUBLIC' ? 'PUBLIC' : ident(r)))
      .join(', ') || 'PUBLIC'
  }`;
  if (a.using) sql += ` USING (${a.using})`;
  if (a.with_check) sql += ` WITH CHECK (${a.with_check})`;
  return sql;
}

export function sequenceClauses(a: SchemaObject['attrs']): string {
  return (
    `AS ${a.type} INCREMENT BY ${a.increment} MINVALUE ${a.min} MAXVALUE ${a.max} START WITH ${a.start} ` +
    `CACHE ${a.cache} ${a.cycle === true ? 'CYCLE' : 'NO CYCLE'}`
  );
}

export function replicaIdentityClause(value: unknown): string {
  if (value === 'full') return 'REPLICA IDENTITY FULL';
  if (value === 'nothing') return 'REPLICA IDENTITY NOTHING';
  if (typeof value === 'string' && value.startsWith('index '))
    return `REPLICA IDENTITY USING INDEX ${ident(value.slice('index '.length))}`;
  return 'REPLICA IDENTITY DEFAULT';
}

function domainDefinition(object: SchemaObject): string {
  const a = object.attrs;
  let sql = `CREATE DOMAIN ${qualified(object.name)} AS ${a.base_type}`;
  if (a.collation) sql += ` COLLATE ${ident(String(a.collation))}`;
  if (a.default !== null && a.default !== undefined) sql += ` DEFAULT ${a.default}`;
  if (a.not_null === true) sql += ' NOT NULL';
  return sql;
}

/** "name: CHECK (…)[ NOT VALID]" → ALTER DOMAIN … ADD CONSTRAINT. */
export function domainConstraint(domain: string, entry: string): string {
  const at = entry.indexOf(': ');
  return `ALTER DOMAIN ${qualified(domain)} ADD CONSTRAINT ${ident(entry.slice(0, at))} ${entry.slice(at + 2)}`;
}

function operatorDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const open = object.name.indexOf('(');
  const [schema, symbol] = splitLast(object.name.slice(0, open));
  const fn = (v: unknown) => String(v).replace(/\(.*\)$/, '');
  const op = (v: unknown) => `OPERATOR(${ident(schema)}.${String(v).replace(/\(.*\)$/, '')})`;
  const parts = [`FUNCTION = ${fn(a.function)}`];
  if (a.left_type) parts.push(`LEFTARG = ${a.left_type}`);
  if (a.right_type) parts.push(`RIGHTARG = ${a.right_type}`);
  if (a.commutator) parts.push(`COMMUTATOR = ${op(a.commutator)}`);
  if (a.negator) parts.push(`NEGATOR = ${op(a.negator)}`);
  if (a.restrict) parts.push(`RESTRICT = ${a.restrict}`);
  if (a.join) parts.push(`JOIN = ${a.join}`);
  if (a.hashes === true) parts.push('HASHES');
  if (a.merges === true) parts.push('MERGES');
  return `CREATE OPERATOR ${ident(schema)}.${symbol} (${parts.join(', ')})`;
}

function castDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const how =
    a.method === 'inout' ? 'WITH INOUT' : a.method === 'binary' ? 'WITHOUT FUNCTION' : `WITH FUNCTION ${a.function}`;
  const context = a.context === 'implicit' ? ' AS IMPLICIT' : a.context === 'assignment' ? ' AS ASSIGNMENT' : '';
  return `CREATE CAST (${a.source} AS ${a.target}) ${how}${context}`;
}

export function publicationTables(object: SchemaObject): string[] {
  return strings(object.attrs.tables).map(qualified);
}

function publicationDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const tables = publicationTables(object);
  const scope = a.all_tables === true ? ' FOR ALL TABLES' : tables.length ? ` FOR TABLE ${tables.join(', ')}` : '';
  return (
    `CREATE PUBLICATION ${ident(object.name)}${scope} ` +
    `WITH (publish = ${literal(String(a.publish))}, publish_via_partition_root = ${a.via_root === true})`
  );
}

function collationDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const parts =
    a.provider === 'icu'
      ? [`PROVIDER = icu`, `LOCALE = ${literal(String(a.lc_collate ?? 'und'))}`]
      : [`LC_COLLATE = ${literal(String(a.lc_collate))}`, `LC_CTYPE = ${literal(String(a.lc_ctype))}`];
  if (a.deterministic === false) parts.push('DETERMINISTIC = false');
  return `CREATE COLLATION ${qualified(object.name)} (${parts.join(', ')})`;
}

function eventTriggerDefinition(object: SchemaObject): string {
  const a = object.attrs;
  const tags = strings(a.tags);
  const when = tags.length ? ` WHEN TAG IN (${tags.map(literal).join(', ')})` : '';
  const fn = qualified(String(a.function));
  return `CREATE EVENT TRIGGER ${ident(object.name)} ON ${a.event}${when} EXECUTE FUNCTION ${fn}()`;
}

export function eventTriggerEnabled(object: SchemaObject): string {
  const how: Record<string, string> = {
    enabled: 'ENABLE',
    disabled: 'DISABLE',
    replica: 'ENABLE REPLICA',
    always: 'ENABLE ALWAYS',
  };
  return `ALTER EVENT TRIGGER ${ident(object.name)} ${how[String(object.attrs.enabled)] ?? 'ENABLE'}`;
}

/** A view's WITH (…) clause, or nothing. */
const viewOptions = (a: SchemaObject['attrs']) =>
  Array.isArray(a.options) && a.options.length ? ` WITH (${relOptionList(a.options)})` : '';

/** The statements creating an object the current schema lacks. */
export function createStatements(object: SchemaObject, ctx: FixContext): Step[] {
  const a = object.attrs;
  const rank = RANK[object.kind];
  const step = stepMaker(object);
  const steps: Step[] = [];
  const grants = () => grantSteps(object, DEFAULT_GRANTS[object.kind] ?? [], strings(a.grants), rank);
  switch (object.kind) {
    case 'extension':
      steps.push(step(`CREATE EXTENSION IF NOT EXISTS ${ident(object.name)} WITH SCHEMA ${ident(String(a.schema))}`));
      break;
    case 'schema':
      steps.push(step(`CREATE SCHEMA ${ident(object.name)}`), ...grants());
      break;
    case 'enum':
      steps.push(
        step(`CREATE TYPE ${qualified(object.name)} AS ENUM (${strings(a.values).map(literal).join(', ')})`),
        ...grants(),
      );
      break;
    case 'domain':
      steps.push(
        step(domainDefinition(object)),
        ...strings(a.constraints).map((c) => step(domainConstraint(object.name, c))),
        ...grants(),
      );
      break;
    case 'composite type':
      steps.push(step(`CREATE TYPE ${qualified(object.name)} AS (${strings(a.attributes).join(', ')})`), ...grants());
      break;
    case 'collation':
      steps.push(step(collationDefinition(object)));
      break;
    case 'sequence':
      if (a.identity === true) return [];
      steps.push(step(`CREATE SEQUENCE ${qualified(object.name)} ${sequenceClauses(a)}`), ...grants());
      if (a.owned_by)
        steps.push(
          step(`ALTER SEQUENCE ${qualified(object.name)} OWNED BY ${qualified(String(a.owned_by))}`, {
            rank: TABLE_LATE_RANK,
          }),
        );
      break;
    case 'function':
      if (a.kind === 'aggregate' || a.kind === 'window') return [];
      steps.push(step(functionDefinition(object)), ...grants());
      break;
    case 'table': {
      const persistence = a.persistence === 'unlogged' ? 'UNLOGGED ' : '';
      let sql = `CREATE ${persistence}TABLE ${qualified(object.name)}`;
      if (a.partition_of) {
        const [parent, ...bound] = String(a.partition_of).split(' ');
        sql += ` PARTITION OF ${qualified(parent!)} ${bound.join(' ')}`;
      } else sql += ' ()';
      if (a.partition_key) sql += ` PARTITION BY ${a.partition_key}`;
      if (Array.isArray(a.options) && a.options.length) sql += ` WITH (${relOptionList(a.options)})`;
      steps.push(step(sql), ...grants());
      if (a.rls_enabled === true) steps.push(step(`ALTER TABLE ${qualified(object.name)} ENABLE ROW LEVEL SECURITY`));
      if (a.rls_forced === true) steps.push(step(`ALTER TABLE ${qualified(object.name)} FORCE ROW LEVEL SECURITY`));
      if (a.replica_identity)
        steps.push(
          step(`ALTER TABLE ${qualified(object.name)} ${replicaIdentityClause(a.replica_identity)}`, {
            rank: TABLE_LATE_RANK,
          }),
        );
      break;
    }
    case 'foreign table':
      steps.push(
        step(
          `CREATE FOREIGN TABLE ${qualified(object.name)} () SERVER ${ident(String(a.server))}` +
            (Array.isArray(a.foreign_options) && a.foreign_options.length
              ? ` OPTIONS (${optionList(a.foreign_options)})`
              : ''),
        ),
        ...grants(),
      );
      break;
    case 'column': {
      const [table] = splitLast(object.name);
      const parent = ctx.target.objects.get(`table ${table}`);
      // a partition's columns come from its parent
      if (parent?.attrs.partition_of) return [];
      const order = strings((parent ?? ctx.target.objects.get(`foreign table ${table}`))?.attrs.column_order).indexOf(
        splitLast(object.name)[1],
      );
      const adding =
        !ctx.current.objects.has(`table ${table}`) && !ctx.current.objects.has(`foreign table ${table}`)
          ? undefined
          : a.not_null === true && !a.default && !a.identity;
      steps.push(
        step(`${alterTableOf(ctx, table)} ${qualified(table)} ADD COLUMN ${columnDefinition(object)}`, {
          order,
          ...(adding
            ? { destructive: true, reason: 'a NOT NULL column without a default fails on a table with rows' }
            : {}),
        }),
      );
      for (const sql of columnSettings(object, ctx)) steps.push(step(sql, { order }));
      steps.push(...grantSteps(object, [], strings(a.grants), rank).map((s) => ({ ...s, order })));
      if (a.comment) steps.push({ ...commentStep(object, rank)[0]!, order });
      return steps;
    }
    case 'constraint': {
      const [table, name] = splitLast(object.name);
      steps.push(
        step(
          `ALTER TABLE ${qualified(table)} ADD CONSTRAINT ${ident(name)} ${constraintDefinition(object)}`,
          a.type === 'foreign key' ? { rank: FOREIGN_KEY_RANK } : {},
        ),
      );
      break;
    }
    case 'index':
      steps.push(step(indexDefinition(object)));
      break;
    case 'view':
      steps.push(
        step(`CREATE VIEW ${qualified(object.name)}${viewOptions(a)} AS\n${String(a.definition).replace(/;\s*$/, '')}`),
        ...grants(),
      );
      break;
    case 'materialized view':
      steps.push(
        step(
          `CREATE MATERIALIZED VIEW ${qualified(object.name)}${viewOptions(a)} AS\n` +
            String(a.definition).replace(/;\s*$/, ''),
        ),
        ...grants(),
      );
      break;
    case 'trigger':
      steps.push(step(triggerDefinition(object)));
      if (a.enabled !== 'enabled') steps.push(step(triggerEnabled(object)));
      break;
    case 'policy':
      steps.push(step(policyDefinition(object)));
      break;
    case 'rule':
      steps.push(step(String(a.definition).replace(/;\s*$/, '')));
      if (a.enabled === 'disabled')
        steps.push(
          step(`ALTER TABLE ${qualified(splitLast(object.name)[0])} DISABLE RULE ${ident(splitLast(object.name)[1])}`),
        );
      break;
    case 'statistics':
      steps.push(step(String(a.definition)));
      if (a.statistics !== null && a.statistics !== undefined)
        steps.push(step(`ALTER STATISTICS ${qualified(object.name)} SET STATISTICS ${a.statistics}`));
      break;
    case 'publication':
      steps.push(step(publicationDefinition(object)));
      break;
    case 'cast':
      steps.push(step(castDefinition(object)));
      break;
    case 'operator':
      steps.push(step(operatorDefinition(object)));
      break;
    case 'event trigger':
      steps.push(step(eventTriggerDefinition(object)));
      if (a.enabled !== 'enabled') steps.push(step(eventTriggerEnabled(object)));
      break;
    case 'foreign data wrapper': {
      let sql = `CREATE FOREIGN DATA WRAPPER ${ident(object.name)}`;
      if (a.handler) sql += ` HANDLER ${a.handler}`;
      if (a.validator) sql += ` VALIDATOR ${a.validator}`;
      if (Array.isArray(a.options) && a.options.length) sql += ` OPTIONS (${optionList(a.options)})`;
      steps.push(step(sql));
      break;
    }
    case 'foreign server': {
      let sql = `CREATE SERVER ${ident(object.name)}`;
      if (a.type) sql += ` TYPE ${literal(String(a.type))}`;
      if (a.version) sql += ` VERSION ${literal(String(a.version))}`;
      sql += ` FOREIGN DATA WRAPPER ${ident(String(a.wrapper))}`;
      if (Array.isArray(a.options) && a.options.length) sql += ` OPTIONS (${optionList(a.options)})`;
      steps.push(step(sql));
      break;
    }
  }
  steps.push(...commentStep(object, rank));
  return steps;
}
