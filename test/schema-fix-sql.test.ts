import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { diffModels, fixSql, introspectUrl, type SchemaModel } from '../src/core/schema/index.js';
import { DRIFT_CASES, EVERY_KIND_MIGRATION } from './schema-drift-cases.js';
import { applySchema, SERVER_URL, urlFor } from './helpers/postgres.js';

/**
 * The fix SQL proved on the whole drift corpus: each case made on its own copy of the migrated
 * database, the SQL generated from the two models applied to it, and the schema read again must
 * equal the migrations' schema exactly.
 */
describe('schema diff --sql: the generated SQL turns the drifted database back into the migrations', () => {
  const base = `mc_fix_base_${process.pid}`;
  let admin: pg.Client;
  let target: SchemaModel;
  const created: string[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${base}`);
    await admin.query(`create database ${base}`);
    await applySchema(urlFor(base));
    target = await introspectUrl(urlFor(base));
  }, 120_000);

  afterAll(async () => {
    for (const name of [...created, base])
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  }, 300_000);

  // each case's copies go when it is done: a hundred databases at the end would be slow to drop
  afterEach(async () => {
    for (const name of created.splice(0))
      await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
  }, 120_000);

  async function drifted(index: number, sql: string): Promise<string> {
    const name = `mc_fix_case_${process.pid}_${index}`;
    created.push(name);
    await admin.query(`drop database if exists ${name} with (force)`);
    // autovacuum may hold the template for a moment ("being accessed by other users")
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${name} template ${base}`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return urlFor(name);
  }

  /** Applies the fix turning the database at `url` into `wanted`, and returns what remains different. */
  async function fixAndCompare(url: string, wanted: SchemaModel): Promise<{ remaining: string[]; sql: string }> {
    const statements = fixSql(wanted, await introspectUrl(url));
    expect(statements.length).toBeGreaterThan(0);
    const sql = statements.map((s) => s.sql).join(';\n');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('set check_function_bodies = false');
      for (const s of statements) {
        try {
          await client.query(s.sql);
        } catch (error) {
          throw new Error(`${s.sql}\n→ ${(error as Error).message}\n(all: ${sql})`);
        }
      }
    } finally {
      await client.end();
    }
    return { remaining: diffModels(wanted, await introspectUrl(url)).map((d) => d.summary), sql };
  }

  it.each(DRIFT_CASES.map(([kind, sql], i) => [kind, sql, i] as const))(
    'undoes: %s',
    async (_kind, sql, index) => {
      const url = await drifted(index, sql);
      expect(diffModels(target, await introspectUrl(url)).length, 'the case must drift').toBeGreaterThan(0);
      const { remaining, sql: fix } = await fixAndCompare(url, target);
      expect(remaining, fix).toEqual([]);
    },
    60_000,
  );

  // an INVALID index is what a failed build leaves: nothing to make on purpose
  const makeable = DRIFT_CASES.map(([kind, sql], i) => [kind, sql, i] as const).filter(
    ([kind]) => kind !== 'index validity',
  );
  it.each(makeable)(
    'makes: %s',
    async (_kind, sql, index) => {
      // the other direction: the case's schema is the target, the untouched copy is changed into it
      const wanted = await introspectUrl(await drifted(100 + index, sql));
      const url = await drifted(200 + index, 'select 1');
      const { remaining, sql: fix } = await fixAndCompare(url, wanted);
      expect(remaining, fix).toEqual([]);
    },
    60_000,
  );

  it('creates one object of every kind from nothing, and drops them all again', async () => {
    const wanted = await introspectUrl(
      await drifted(300, EVERY_KIND_MIGRATION.slice(0, EVERY_KIND_MIGRATION.indexOf('-- migrate:down'))),
    );
    const url = await drifted(301, 'select 1');
    const made = await fixAndCompare(url, wanted);
    expect(made.remaining, made.sql).toEqual([]);
    const dropped = await fixAndCompare(url, target);
    expect(dropped.remaining, dropped.sql).toEqual([]);
  }, 60_000);

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
