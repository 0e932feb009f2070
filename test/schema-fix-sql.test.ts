import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffModels, fixSql, introspect, type SchemaModel } from '../src/core/schema/index.js';
import { DRIFT_CASES, EVERY_KIND_MIGRATION } from './schema-drift-cases.js';
import { applySchema, SERVER_URL, urlFor } from './helpers/postgres.js';

/**
 * The fix SQL proved on the whole drift corpus: each case made on the migrated database, the SQL
 * generated from the two models applied to it, and the schema read again must equal the
 * migrations' schema exactly. Each case runs in a transaction that is rolled back (PostgreSQL's DDL
 * is transactional; every statement of the corpus and of the fixes may run in one), so every case
 * starts from the same migrated database without a copy of it to make and drop.
 */
describe('schema diff --sql: the generated SQL turns the drifted database back into the migrations', () => {
  const base = `mc_fix_base_${process.pid}`;
  let admin: pg.Client;
  let client: pg.Client;
  let target: SchemaModel;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${base}`);
    await admin.query(`create database ${base}`);
    await applySchema(urlFor(base));
    client = new pg.Client({ connectionString: urlFor(base) });
    await client.connect();
    target = await introspect(client);
  }, 120_000);

  afterAll(async () => {
    await client?.end();
    await admin.query(`drop database if exists ${base} with (force)`).catch(() => {});
    await admin.end();
  }, 300_000);

  /** Runs `work` in a transaction on the migrated database and rolls it back, whatever happens. */
  async function rolledBack<T>(work: () => Promise<T>): Promise<T> {
    await client.query('begin');
    try {
      return await work();
    } finally {
      await client.query('rollback');
    }
  }

  /** The schema as the transaction sees it, its uncommitted changes included. */
  const current = () => introspect(client, { inTransaction: true });

  /** Applies the fix turning the database into `wanted`, and returns what remains different. */
  async function fixAndCompare(wanted: SchemaModel): Promise<{ remaining: string[]; sql: string }> {
    const statements = fixSql(wanted, await current());
    expect(statements.length).toBeGreaterThan(0);
    const sql = statements.map((s) => s.sql).join(';\n');
    await client.query('set local check_function_bodies = false');
    for (const s of statements) {
      try {
        await client.query(s.sql);
      } catch (error) {
        throw new Error(`${s.sql}\n→ ${(error as Error).message}\n(all: ${sql})`);
      }
    }
    return { remaining: diffModels(wanted, await current()).map((d) => d.summary), sql };
  }

  it.each(DRIFT_CASES.map(([kind, sql]) => [kind, sql] as const))(
    'undoes: %s',
    (_kind, sql) =>
      rolledBack(async () => {
        await client.query(sql);
        expect(diffModels(target, await current()).length, 'the case must drift').toBeGreaterThan(0);
        const { remaining, sql: fix } = await fixAndCompare(target);
        expect(remaining, fix).toEqual([]);
      }),
    60_000,
  );

  // an INVALID index is what a failed build leaves: nothing to make on purpose
  const makeable = DRIFT_CASES.map(([kind, sql]) => [kind, sql] as const).filter(([kind]) => kind !== 'index validity');
  it.each(makeable)(
    'makes: %s',
    async (_kind, sql) => {
      // the other direction: the case's schema is the target, the untouched database is changed into it
      const wanted = await rolledBack(async () => {
        await client.query(sql);
        return current();
      });
      const { remaining, sql: fix } = await rolledBack(() => fixAndCompare(wanted));
      expect(remaining, fix).toEqual([]);
    },
    60_000,
  );

  it('creates one object of every kind from nothing, and drops them all again', async () => {
    const wanted = await rolledBack(async () => {
      await client.query(EVERY_KIND_MIGRATION.slice(0, EVERY_KIND_MIGRATION.indexOf('-- migrate:down')));
      return current();
    });
    await rolledBack(async () => {
      const made = await fixAndCompare(wanted);
      expect(made.remaining, made.sql).toEqual([]);
      const dropped = await fixAndCompare(target);
      expect(dropped.remaining, dropped.sql).toEqual([]);
    });
  }, 60_000);

  it('leaves the migrated database as it was: every case was rolled back', async () => {
    expect(diffModels(target, await introspect(client))).toEqual([]);
  });

  it('marks drops, type changes and NOT NULL as destructive, and orders drops before creates', () => {
    const current = structuredClone(target);
    current.objects.delete('column public.leads.email');
    const email = target.objects.get('column public.leads.email')!;
    current.objects.set('column public.leads.email', {
      ...email,
      attrs: { ...email.attrs, type: 'character varying(20)', not_null: true },
    });
    current.objects.set('table public.scratch', { kind: 'table', name: 'public.scratch', attrs: { column_order: [] } });
    const statements = fixSql(target, current);
    const drop = statements.findIndex((s) => s.sql === 'DROP TABLE public.scratch');
    expect(statements[drop]).toMatchObject({ destructive: true });
    const type = statements.findIndex((s) => /ALTER COLUMN email TYPE text/.test(s.sql));
    expect(statements[type]).toMatchObject({ destructive: true, reason: expect.stringContaining('type') });
    expect(drop).toBeLessThan(type);
    expect(statements.find((s) => /email DROP NOT NULL/.test(s.sql))).toMatchObject({ destructive: false });
    const back = fixSql(current, target);
    expect(back.find((s) => /email SET NOT NULL/.test(s.sql))).toMatchObject({ destructive: true });
  });
});
