import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diffModels,
  introspectUrl,
  modelFromMigrations,
  parseSnapshot,
  serializeSnapshot,
  SHADOW_PREFIX,
  type SchemaModel,
} from '../src/core/schema/index.js';
import { repoRoot } from './helpers/cli.js';
import { EVERY_KIND_MIGRATION } from './schema-drift-cases.js';
import { applySchema, createTestDatabase, SERVER_URL, type TestDatabase } from './helpers/postgres.js';

export const schemaCacheDir = join(tmpdir(), 'medicalcor-test-cache');

describe('schema model: PostgreSQL 15 and the embedded PostgreSQL 18 agree', () => {
  let db: TestDatabase;
  let pg15: SchemaModel;
  let embedded: SchemaModel;
  let work: string;
  let migrationsDir: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mc-schema-model-'));
    // a copy: other work may add migrations to src/migrations while this file runs
    migrationsDir = join(work, 'migrations');
    cpSync(`${repoRoot}src/migrations`, migrationsDir, { recursive: true });
    writeFileSync(join(migrationsDir, '20991231000000_every_kind.sql'), EVERY_KIND_MIGRATION);
    db = await createTestDatabase('mc_schema_model');
    await applySchema(db.url, migrationsDir);
    [pg15, embedded] = await Promise.all([
      introspectUrl(db.url),
      modelFromMigrations(migrationsDir, { cacheDir: schemaCacheDir, shadowMode: 'embedded' }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await db?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads every object kind of the MedicalCor schema', () => {
    const kinds = new Set([...pg15.objects.values()].map((o) => o.kind));
    for (const kind of [
      'extension',
      'schema',
      'table',
      'column',
      'constraint',
      'index',
      'view',
      'function',
      'trigger',
      'enum',
      'sequence',
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
    ]) {
      expect(kinds, kind).toContain(kind);
    }
    expect(pg15.objects.get('column public.leads.ai_score')?.attrs.type).toBe('smallint');
    expect(pg15.objects.get('table public.consent_records')?.attrs).toMatchObject({
      rls_enabled: true,
      rls_forced: true,
    });
    expect(pg15.objects.get('enum public.lead_status')?.attrs.values).toEqual([
      'new',
      'contacted',
      'qualified',
      'scheduled',
      'converted',
      'lost',
      'archived',
    ]);
    expect(pg15.objects.get('constraint public.leads.leads_practitioner_id_fkey')?.attrs).toMatchObject({
      on_delete: 'set null',
      references: 'public.practitioners(id)',
    });
    expect(pg15.objects.get('index public.knowledge_base_embedding_hnsw_idx')?.attrs).toMatchObject({
      method: 'hnsw',
      keys: ['embedding vector_cosine_ops'],
    });
    expect(pg15.objects.get('domain public.positive_amount')?.attrs).toMatchObject({
      base_type: 'numeric(12,2)',
      not_null: true,
      default: '0',
      constraints: ['positive_amount_check: CHECK (VALUE >= 0::numeric)'],
    });
    expect(pg15.objects.get('composite type public.postal_address')?.attrs.attributes).toEqual([
      'street text',
      'city text COLLATE case_c',
      'zip character varying(10)',
    ]);
    expect(pg15.objects.get('table public.kinds_demo')?.attrs).toMatchObject({
      replica_identity: 'full',
      column_order: ['id', 'amount', 'address', 'note', 'code'],
    });
    expect(pg15.objects.get('column public.kinds_demo.note')?.attrs).toMatchObject({
      storage: 'external',
      compression: 'pglz',
    });
    expect(pg15.objects.get('column public.kinds_demo.code')?.attrs).toMatchObject({ statistics: 500 });
    expect(pg15.objects.get('rule public.kinds_demo.kinds_demo_no_delete')?.attrs.definition).toMatch(
      /DO INSTEAD NOTHING/,
    );
    expect(pg15.objects.get('publication kinds_demo_pub')?.attrs).toMatchObject({
      tables: ['public.kinds_demo'],
      publish: 'insert, update',
    });
    expect(pg15.objects.get('event trigger kinds_demo_ddl')?.attrs).toMatchObject({
      event: 'ddl_command_end',
      tags: ['CREATE TABLE'],
    });
    expect(pg15.objects.get('foreign table public.kinds_demo_archive')?.attrs).toMatchObject({
      server: 'kinds_demo_server',
      foreign_options: ['table_name=archive'],
    });
    expect(pg15.objects.get('column public.kinds_demo_archive.id')?.attrs.fdw_options).toEqual(['column_name=ID']);
  });

  it('leaves out the migration tooling tables and extension members', () => {
    const names = [...pg15.objects.keys()];
    expect(names.filter((n) => /schema_migrations|medicalcor_migration/.test(n))).toEqual([]);
    expect([...embedded.objects.keys()].filter((n) => /fips_mode|vector_in|uuid_generate/.test(n))).toEqual([]);
  });

  it('finds no difference between the migrations on PostgreSQL 15 and on PGlite (PostgreSQL 18)', () => {
    expect(diffModels(pg15, embedded).map((d) => d.summary)).toEqual([]);
  });

  it('a server shadow gives the same model and is dropped afterwards', async () => {
    const server = await modelFromMigrations(migrationsDir, {
      cacheDir: schemaCacheDir,
      shadowServerUrl: db.url,
      shadowMode: 'server',
    });
    expect(diffModels(pg15, server).map((d) => d.summary)).toEqual([]);
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    const left = await admin.query(`select datname from pg_database where datname like $1 || '%' and datname like $2`, [
      SHADOW_PREFIX,
      `%\\_${process.pid}\\_%`,
    ]);
    await admin.end();
    expect(left.rows).toEqual([]);
  });

  it('a snapshot is deterministic and reads back to the same model', async () => {
    const text = serializeSnapshot(pg15);
    expect(serializeSnapshot(embedded)).toBe(text);
    expect(diffModels(pg15, await parseSnapshot(text, 'x.json'))).toEqual([]);
  });
});
