/**
 * Schema behaviour test for the dbmate migrations in src/migrations.
 *
 * Creates a scratch database on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth),
 * applies every migration with the real dbmate binary, checks the constraints / triggers / RLS /
 * pgvector behaviour the application relies on, then rolls every migration back one at a time and
 * checks that nothing is left behind. The scratch database is dropped in afterAll.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { execa } from 'execa';
import { resolveBinary } from 'dbmate';

const PG_HOST = '127.0.0.1';
const PG_PORT = 5432;
const PG_USER = 'postgres';
const MIGRATIONS_DIR = fileURLToPath(new URL('../src/migrations', import.meta.url));
const SCRATCH_DB = `mig_schema_test_${process.pid}_${randomBytes(4).toString('hex')}`;
const DATABASE_URL = `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${SCRATCH_DB}?sslmode=disable`;

const migrationFiles = readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{14}_[a-z0-9_]+\.sql$/.test(f))
  .sort();

// ---------------------------------------------------------------------------------------------
// Small helpers (kept local so the test is self-contained)
// ---------------------------------------------------------------------------------------------

function adminClient(): pg.Client {
  return new pg.Client({ host: PG_HOST, port: PG_PORT, user: PG_USER, database: 'postgres' });
}

async function dbmate(...args: string[]): Promise<string> {
  const result = await execa(resolveBinary(), ['--migrations-dir', MIGRATIONS_DIR, '--no-dump-schema', ...args], {
    env: { DATABASE_URL },
    reject: false,
  });
  if (result.exitCode !== 0) {
    throw new Error(`dbmate ${args.join(' ')} failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
  return `${result.stdout}${result.stderr}`;
}

/** Runs fn inside a transaction that is always rolled back, so tests do not leak rows. */
async function inRolledBackTx(client: pg.Client, fn: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Expects a statement to fail (inside a savepoint so the surrounding transaction survives). */
async function expectSqlError(
  client: pg.Client,
  sql: string,
  params: unknown[],
  expected: { code?: string; constraint?: string; message?: RegExp },
): Promise<void> {
  await client.query('SAVEPOINT expect_error');
  let error: (Error & { code?: string; constraint?: string }) | undefined;
  try {
    await client.query(sql, params);
  } catch (err) {
    error = err as Error & { code?: string; constraint?: string };
  }
  await client.query('ROLLBACK TO SAVEPOINT expect_error');
  expect(error, `expected statement to fail: ${sql}`).toBeDefined();
  if (expected.code !== undefined) expect(error?.code).toBe(expected.code);
  if (expected.constraint !== undefined) expect(error?.constraint).toBe(expected.constraint);
  if (expected.message !== undefined) expect(error?.message).toMatch(expected.message);
}

async function insertPractitioner(client: pg.Client, email: string): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO practitioners (name, email, specialty) VALUES ($1, $2, $3) RETURNING id',
    ['Dr. Test', email, 'orthodontics'],
  );
  return rows[0]!.id;
}

async function insertLead(
  client: pg.Client,
  fields: { practitionerId?: string | null; aiScore?: number | null; sentiment?: number | null } = {},
): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO leads (practitioner_id, phone, full_name, source, ai_score, sentiment)
     VALUES ($1, $2, 'Test Lead', 'whatsapp', $3, $4) RETURNING id`,
    [fields.practitionerId ?? null, '+40700000000', fields.aiScore ?? null, fields.sentiment ?? null],
  );
  return rows[0]!.id;
}

async function count(client: pg.Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql, params);
  return Number(rows[0]!.n);
}

/** A 1536-dim vector literal with `hot` at position `index` and a small background value. */
function vec(index: number, hot = 1, background = 0.01): string {
  const values = Array.from({ length: 1536 }, (_, i) => (i === index ? hot : background));
  return `[${values.join(',')}]`;
}

// ---------------------------------------------------------------------------------------------

describe('database migrations (src/migrations)', () => {
  let db: pg.Client | undefined;
  let created = false;

  const client = (): pg.Client => {
    if (!db) throw new Error('scratch database client not connected');
    return db;
  };

  beforeAll(async () => {
    const admin = adminClient();
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${SCRATCH_DB}`);
      created = true;
    } finally {
      await admin.end();
    }
    await dbmate('up');
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    if (db) await db.end().catch(() => undefined);
    if (!created) return;
    const admin = adminClient();
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH_DB} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }, 120_000);

  it('has well-formed dbmate migration files', () => {
    expect(migrationFiles.length).toBeGreaterThanOrEqual(8);
    // a .sql file the name filter drops would never be applied: every one must be well named
    expect(
      readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith('.sql'))
        .sort(),
    ).toEqual(migrationFiles);
  });

  it('applies every migration', async () => {
    const { rows } = await client().query<{ version: string }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(migrationFiles.map((f) => f.slice(0, 14)));
  });

  it('rejects leads.ai_score outside 0..100', async () => {
    await inRolledBackTx(client(), async () => {
      await insertLead(client(), { aiScore: 0 });
      await insertLead(client(), { aiScore: 100 });
      await expectSqlError(client(), `INSERT INTO leads (phone, ai_score) VALUES ('+40700000001', 101)`, [], {
        code: '23514',
        constraint: 'leads_ai_score_check',
      });
      await expectSqlError(client(), `INSERT INTO leads (phone, ai_score) VALUES ('+40700000001', -1)`, [], {
        code: '23514',
        constraint: 'leads_ai_score_check',
      });
    });
  });

  it('rejects leads.sentiment outside -1..1', async () => {
    await inRolledBackTx(client(), async () => {
      await insertLead(client(), { sentiment: -1 });
      await insertLead(client(), { sentiment: 1 });
      await expectSqlError(client(), `INSERT INTO leads (phone, sentiment) VALUES ('+40700000002', 1.5)`, [], {
        code: '23514',
        constraint: 'leads_sentiment_check',
      });
    });
  });

  it('rejects treatment_plan_items.quantity 0', async () => {
    await inRolledBackTx(client(), async () => {
      const leadId = await insertLead(client());
      const { rows } = await client().query<{ id: string }>(
        `INSERT INTO treatment_plans (lead_id, title, total_amount, currency)
         VALUES ($1, 'All-on-4', 0, 'EUR') RETURNING id`,
        [leadId],
      );
      const planId = rows[0]!.id;
      await client().query(
        `INSERT INTO treatment_plan_items (plan_id, procedure_code, quantity, unit_price) VALUES ($1, 'IMP-01', 1, ` +
          '950.00)',
        [planId],
      );
      await expectSqlError(
        client(),
        `INSERT INTO treatment_plan_items (plan_id, procedure_code, quantity, unit_price) VALUES ($1, 'IMP-01', 0, ` +
          '950.00)',
        [planId],
        { code: '23514', constraint: 'treatment_plan_items_quantity_check' },
      );
    });
  });

  it('sets leads.practitioner_id to NULL when the practitioner is deleted', async () => {
    await inRolledBackTx(client(), async () => {
      const practitionerId = await insertPractitioner(client(), 'dr.setnull@example.test');
      const leadId = await insertLead(client(), { practitionerId });
      await client().query('DELETE FROM practitioners WHERE id = $1', [practitionerId]);
      const { rows } = await client().query<{ practitioner_id: string | null }>(
        'SELECT practitioner_id FROM leads WHERE id = $1',
        [leadId],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]!.practitioner_id).toBeNull();
    });
  });

  it('cascades a lead delete to treatment_plans (and items) and interactions', async () => {
    await inRolledBackTx(client(), async () => {
      const leadId = await insertLead(client());
      const { rows } = await client().query<{ id: string }>(
        `INSERT INTO treatment_plans (lead_id, title) VALUES ($1, 'Whitening') RETURNING id`,
        [leadId],
      );
      const planId = rows[0]!.id;
      await client().query(
        `INSERT INTO treatment_plan_items (plan_id, procedure_code, quantity, unit_price) VALUES ($1, 'WHT-01', 2, ` +
          '120)',
        [planId],
      );
      await client().query(
        `INSERT INTO interactions (lead_id, channel, direction, summary) VALUES ($1, 'whatsapp', 'inbound', 'hello')`,
        [leadId],
      );

      await client().query('DELETE FROM leads WHERE id = $1', [leadId]);

      expect(await count(client(), 'SELECT count(*) AS n FROM treatment_plans WHERE lead_id = $1', [leadId])).toBe(0);
      expect(await count(client(), 'SELECT count(*) AS n FROM treatment_plan_items WHERE plan_id = $1', [planId])).toBe(
        0,
      );
      expect(await count(client(), 'SELECT count(*) AS n FROM interactions WHERE lead_id = $1', [leadId])).toBe(0);
    });
  });

  it('stamps updated_at on UPDATE via set_updated_at()', async () => {
    await inRolledBackTx(client(), async () => {
      const { rows } = await client().query<{ id: string }>(
        `INSERT INTO leads (phone, created_at, updated_at)
         VALUES ('+40700000003', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z') RETURNING id`,
      );
      const leadId = rows[0]!.id;
      await client().query(`UPDATE leads SET status = 'contacted' WHERE id = $1`, [leadId]);
      const after = await client().query<{ bumped: boolean }>(
        `SELECT updated_at > '2000-01-01T00:00:00Z'::timestamptz AS bumped FROM leads WHERE id = $1`,
        [leadId],
      );
      expect(after.rows[0]!.bumped).toBe(true);
    });
  });

  it('makes consent_audit_log append-only (UPDATE and DELETE raise)', async () => {
    await inRolledBackTx(client(), async () => {
      await client().query(
        `INSERT INTO consent_audit_log (consent_id, action, old_status, new_status, actor, ip_address)
         VALUES (gen_random_uuid(), 'granted', 'pending', 'granted', 'test', '10.0.0.1')`,
      );
      await expectSqlError(client(), `UPDATE consent_audit_log SET actor = 'tampered'`, [], {
        message: /append-only/,
      });
      await expectSqlError(client(), 'DELETE FROM consent_audit_log', [], { message: /append-only/ });
      expect(await count(client(), 'SELECT count(*) AS n FROM consent_audit_log')).toBe(1);
    });
  });

  it('enables and forces row level security on consent_records', async () => {
    const { rows } = await client().query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'public.consent_records'::regclass`,
    );
    expect(rows[0]).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    const policies = await client().query<{ policyname: string }>(
      `SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = 'consent_records'`,
    );
    expect(policies.rows.map((r) => r.policyname)).toContain('consent_records_tenant_isolation');
  });

  it('encrypt_pii/decrypt_pii round-trip a patient identifier; a wrong key does not decrypt', async () => {
    const { rows } = await client().query<{ plain: string; differs: boolean }>(
      `SELECT decrypt_pii(encrypt_pii($1, 'k1'), 'k1') AS plain, encrypt_pii($1, 'k1') <> encrypt_pii($1, 'k1') AS ` +
        'differs',
      ['+40 700 000 000'],
    );
    expect(rows[0]).toEqual({ plain: '+40 700 000 000', differs: true });
    await inRolledBackTx(client(), async () => {
      await expectSqlError(client(), `SELECT decrypt_pii(encrypt_pii('x', 'k1'), 'k2')`, [], {
        message: /wrong key|corrupt/i,
      });
    });
  });

  it('stores vector(1536) embeddings, orders by cosine distance, and has the HNSW index', async () => {
    const { rows: idx } = await client().query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes
       WHERE schemaname = 'public' AND tablename = 'knowledge_base' AND indexname =
           'knowledge_base_embedding_hnsw_idx'`,
    );
    expect(idx).toHaveLength(1);
    expect(idx[0]!.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
    expect(idx[0]!.indexdef).toMatch(/m='?16'?/);
    expect(idx[0]!.indexdef).toMatch(/ef_construction='?64'?/);

    await inRolledBackTx(client(), async () => {
      for (const [title, hot] of [
        ['alpha', 0],
        ['beta', 1],
        ['gamma', 2],
      ] as const) {
        await client().query(
          `INSERT INTO knowledge_base (title, content, tags, embedding) VALUES ($1, $2, $3, $4::vector)`,
          [title, `${title} content`, ['faq'], vec(hot)],
        );
      }
      const { rows } = await client().query<{ title: string; distance: number }>(
        `SELECT title, embedding <=> $1::vector AS distance
         FROM knowledge_base ORDER BY embedding <=> $1::vector LIMIT 3`,
        [vec(1, 1, 0)],
      );
      expect(rows.map((r) => r.title)[0]).toBe('beta');
      expect(rows).toHaveLength(3);
      expect(Number(rows[0]!.distance)).toBeLessThan(Number(rows[1]!.distance));
    });
  });

  it('rolls back every migration one by one to an empty database', async () => {
    for (let remaining = migrationFiles.length; remaining > 0; remaining--) {
      await dbmate('rollback');
      expect(await count(client(), 'SELECT count(*) AS n FROM schema_migrations')).toBe(remaining - 1);
    }

    const leftovers = await client().query<{ kind: string; name: string }>(
      `SELECT 'relation' AS kind, c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
          AND c.relname NOT LIKE 'schema_migrations%'
       UNION ALL
       SELECT 'function', p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
       UNION ALL
       SELECT 'type', t.typname FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typname NOT LIKE '%schema_migrations%'
       UNION ALL
       SELECT 'extension', e.extname FROM pg_extension e WHERE e.extname <> 'plpgsql'`,
    );
    expect(leftovers.rows).toEqual([]);
  }, 120_000);
});
