import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffModels, fixSql, introspectUrl, type SchemaModel } from '../src/core/schema/index.js';
import { DRIFT_CASES } from './schema-drift-cases.js';
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
    for (const name of [...created, base]) await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  });

  async function drifted(index: number, sql: string): Promise<string> {
    const name = `mc_fix_case_${process.pid}_${index}`;
    created.push(name);
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name} template ${base}`);
    const client = new pg.Client({ connectionString: urlFor(name) });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return urlFor(name);
  }

  it.each(DRIFT_CASES.map(([kind, sql], i) => [kind, sql, i] as const))('%s', async (_kind, sql, index) => {
    const url = await drifted(index, sql);
    const before = await introspectUrl(url);
    expect(diffModels(target, before).length, 'the case must drift').toBeGreaterThan(0);
    const statements = fixSql(target, before);
    expect(statements.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('set check_function_bodies = false');
      for (const s of statements) {
        try {
          await client.query(s.sql);
        } catch (error) {
          throw new Error(`${s.sql}\n→ ${(error as Error).message}\n(all: ${statements.map((x) => x.sql).join(';\n')})`);
        }
      }
    } finally {
      await client.end();
    }
    const after = await introspectUrl(url);
    expect(diffModels(target, after).map((d) => d.summary), statements.map((s) => s.sql).join(';\n')).toEqual([]);
  }, 60_000);
});
