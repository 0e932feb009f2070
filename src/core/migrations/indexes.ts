/** An index PostgreSQL marks INVALID: queries do not use it, yet it is maintained on every write. */
export interface InvalidIndex {
  schema: string;
  name: string;
  table: string;
  unique: boolean;
}

/**
 * Invalid indexes outside the system schemas. A failed or interrupted CREATE INDEX CONCURRENTLY
 * leaves one behind, and a later CREATE INDEX ... IF NOT EXISTS silently keeps it.
 */
export const invalidIndexesSql = `select n.nspname as schema, c.relname as name, t.relname as table,
        i.indisunique as unique
   from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
   join pg_class t on t.oid = i.indrelid
  where not i.indisvalid and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'
  order by 1, 2`;

const quoteIdent = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

/** The statement that removes an invalid index without blocking writes to its table. */
export const dropStatement = (index: Pick<InvalidIndex, 'schema' | 'name'>) =>
  `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(index.schema)}.${quoteIdent(index.name)};`;

export const indexLabel = (index: Pick<InvalidIndex, 'schema' | 'name' | 'table'>) =>
  `${index.schema}.${index.name} on ${index.table}`;
