import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../src/checks/index.js';
import { BreakerStore } from '../src/core/breakers/index.js';
import { resolveConfig } from '../src/core/config/index.js';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { platformScenario, startScenarioPrometheus, type TestPrometheus } from './helpers/prometheus.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';
import { startTriggerFake } from './fakes/trigger-dev.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closedPort } from './helpers/prometheus.js';

/*
 * `medicalcor check` against a real PostgreSQL and Redis, each put into the failing state a check
 * exists for, then put back. Runs go through the built CLI, as CI and on-call run it.
 */

interface CheckJson {
  environment: string;
  ready: boolean;
  score: number | null;
  counts: Record<string, number>;
  requiredFailed: string[];
  checks: {
    id: string;
    title: string;
    required: boolean;
    status: string;
    summary: string;
    remedy?: string;
    durationMs?: number;
  }[];
}

let db: TestDatabase;
let redis: Redis;
let workDir: string;
let migrationsDir: string;
const prefix = uniquePrefix('check');
/**
 * schema-drift's PGlite template, kept out of the real home cache; one per test file, as two files preparing one
 * directory at once would race
 */
const cacheHome = join(tmpdir(), 'medicalcor-test-cache-check');

const env = (extra: Record<string, string> = {}) => ({
  MEDICALCOR_DATABASE_URL: db.url,
  MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
  MEDICALCOR_REDIS_PREFIX: prefix,
  XDG_CACHE_HOME: cacheHome,
  ...extra,
});
async function check(args: string[], extra: Record<string, string> = {}) {
  const result = await runInProcess(['check', '--migrations-dir', migrationsDir, ...args, '-o', 'json'], {
    cwd: workDir,
    env: env(extra),
  });
  let report: CheckJson | undefined;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`check printed no JSON (exit ${result.exitCode}): ${result.stderr}`);
  }
  const byId = Object.fromEntries(report!.checks.map((c) => [c.id, c]));
  return { ...result, report: report!, byId };
}

beforeAll(async () => {
  db = await createTestDatabase('mc_check');
  redis = new Redis(TEST_REDIS_URL);
  workDir = mkdtempSync(join(tmpdir(), 'mc-check-'));
  migrationsDir = join(workDir, 'migrations');
  cpSync(join(repoRoot, 'src/migrations'), migrationsDir, { recursive: true });
  // through the CLI, so the ledger records each file's checksum (the edited-migration check reads it)
  const up = await runInProcess(['migrate', 'up', '--migrations-dir', migrationsDir], { cwd: workDir, env: env() });
  expect(up.exitCode, up.stderr).toBe(0);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await db?.drop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('a healthy environment', () => {
  it('passes every required check, skips what is not configured, and exits 0', async () => {
    const { exitCode, stderr, report, byId } = await check([]);
    expect(exitCode, stderr).toBe(0);
    expect(report.ready).toBe(true);
    expect(report.requiredFailed).toEqual([]);
    for (const id of [
      'database',
      'migrations-pending',
      'migrations-edited',
      'schema-drift',
      'projection-lag',
      'dlq-backlog',
      'stuck-sagas',
    ]) {
      expect(byId[id], id).toMatchObject({ status: 'pass', required: true });
    }
    // not configured: skipped, not failed
    for (const id of ['prometheus', 'trigger', 'api', 'kubernetes', 'sla']) expect(byId[id]!.status, id).toBe('skip');
    expect(byId['open-breakers']!.status).toBe('pass');
    expect(byId['budget']!.status).toBe('pass');
    expect(report.score).toBe(100);
  });

  it('runs only what --only names, minus --skip', async () => {
    const { report } = await check(['--only', 'database,dlq-backlog,stuck-sagas', '--skip', 'stuck-sagas']);
    expect(report.checks.map((c) => c.id)).toEqual(['database', 'dlq-backlog']);
  });

  it('refuses an unknown check id with exit 2, naming the checks', async () => {
    const result = await runInProcess(['check', '--only', 'databse'], { cwd: workDir, env: env() });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toContain('There is no check "databse"');
    expect(result.stderr).toContain('migrations-pending');
  });
});

describe('connectivity of each configured system', () => {
  it(
    'passes Trigger.dev and the API when they answer, fails ' + 'them with the reason when not, never printing the key',
    async () => {
      const trigger = await startTriggerFake();
      const api = createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/health/circuit-breakers')
          res.end(
            JSON.stringify({
              timestamp: new Date().toISOString(),
              openCircuits: [],
              services: [{ name: 'hubspot', state: 'CLOSED', failures: 0 }],
            }),
          );
        else res.writeHead(404).end('{}');
      });
      await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
      const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
      try {
        const ok = await check(['--only', 'trigger,api'], {
          MEDICALCOR_TRIGGER_URL: trigger.url,
          TRIGGER_SECRET_KEY: trigger.secretKey,
          MEDICALCOR_API_URL: apiUrl,
        });
        expect(ok.byId['trigger']!.status, ok.byId['trigger']!.summary).toBe('pass');
        expect(ok.byId['api']!.status, ok.byId['api']!.summary).toBe('pass');
        expect(ok.byId['api']!.summary).toContain('1 breakers');
        expect(trigger.requests.at(-1)!.authorization).toBe(`Bearer ${trigger.secretKey}`);

        const wrongKey = 'tr_dev_wrongKeyWrongKey9876';
        const down = await closedPort();
        const bad = await check(['--only', 'trigger,api'], {
          MEDICALCOR_TRIGGER_URL: trigger.url,
          TRIGGER_SECRET_KEY: wrongKey,
          MEDICALCOR_API_URL: `http://127.0.0.1:${down}`,
        });
        expect(bad.byId['trigger']!.status).toBe('fail');
        expect(bad.byId['trigger']!.summary).toContain('rejected the secret key tr_…9876');
        expect(bad.byId['api']!.status).toBe('fail');
        expect(bad.byId['api']!.summary).toContain(`cannot reach http://127.0.0.1:${down}`);
        expect(bad.stdout + bad.stderr).not.toContain(wrongKey);
        // advisory: the run is still ready
        expect(bad.exitCode, bad.stderr).toBe(0);
      } finally {
        await trigger.close();
        await new Promise((r) => api.close(r));
      }
    },
  );

  it('fails a configured Redis that is down, and skips the checks that read it', async () => {
    const port = await closedPort();
    const { exitCode, stderr, byId, report } = await check(['--only', 'redis,open-breakers,database'], {
      MEDICALCOR_REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(exitCode, stderr).toBe(3);
    expect(byId['redis']).toMatchObject({ status: 'fail', required: true });
    expect(byId['open-breakers']!.status).toBe('skip');
    expect(byId['open-breakers']!.summary).toBe('not run: Redis cannot be reached (see the redis check)');
    expect(byId['redis']!.summary).toContain(`Cannot reach Redis at redis://127.0.0.1:${port}`);
    expect(report.requiredFailed).toEqual(['redis']);
  });

  it('fails the database check (exit 3) when the database is down, and skips what reads it', async () => {
    const port = await closedPort();
    const { exitCode, stderr, byId } = await check(['--only', 'database,dlq-backlog'], {
      MEDICALCOR_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nope?sslmode=disable`,
    });
    expect(exitCode, stderr).toBe(3);
    expect(byId['database']!.status).toBe('fail');
    expect(byId['dlq-backlog']!.status).toBe('skip');
  });
});

describe('migrations', () => {
  it('fails migrations-pending (exit 3) for a migration not yet applied, and does not compare the schema', async () => {
    const file = join(migrationsDir, '20991231000000_add_leads_source.sql');
    writeFileSync(
      file,
      '-- migrate:up\nALTER TABLE leads ADD COLUMN source text;\n\n-- migrate:down\nALTER TABLE leads DROP COLUMN ' +
        'source;\n',
    );
    try {
      const { exitCode, stderr, byId, report } = await check(['--only', 'migrations-pending,schema-drift']);
      expect(exitCode, stderr).toBe(3);
      expect(byId['migrations-pending']).toMatchObject({ status: 'fail', required: true });
      expect(byId['migrations-pending']!.summary).toContain('20991231000000_add_leads_source.sql');
      expect(byId['migrations-pending']!.remedy).toContain('medicalcor migrate up');
      expect(byId['schema-drift']!.status).toBe('skip');
      expect(report.requiredFailed).toEqual(['migrations-pending']);
    } finally {
      rmSync(file);
    }
  });

  it('fails migrations-edited for an applied file changed afterwards', async () => {
    const file = join(migrationsDir, readdirSync(migrationsDir).find((f) => f.includes('_crm_core'))!);
    const original = (await import('node:fs')).readFileSync(file, 'utf8');
    appendFileSync(file, '\n-- tweaked after release\n');
    try {
      const { exitCode, stderr, byId } = await check(['--only', 'migrations-edited']);
      expect(exitCode, stderr).toBe(3);
      expect(byId['migrations-edited']!.status).toBe('fail');
      expect(byId['migrations-edited']!.summary).toContain('was edited after it was applied');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('fails schema-drift when the live schema was changed by hand', async () => {
    await db.pool.query('ALTER TABLE leads ADD COLUMN hand_made text');
    try {
      const { exitCode, stderr, byId } = await check(['--only', 'schema-drift']);
      expect(exitCode, stderr).toBe(3);
      expect(byId['schema-drift']!.status).toBe('fail');
      expect(byId['schema-drift']!.summary).toContain('hand_made');
    } finally {
      await db.pool.query('ALTER TABLE leads DROP COLUMN hand_made');
    }
  });
});

describe('event store, DLQ and sagas', () => {
  const event = (position: number, age: string) =>
    db.pool.query(
      `insert into domain_events (global_position, aggregate_id, aggregate_type, version, event_type, payload,
          correlation_id, occurred_at)
                   values ($1::bigint, 'lead-1', 'Lead', $1::int, 'LeadScored', '{}', 'corr-1', now() - $2::interval)`,
      [position, age],
    );

  it('fails projection-lag when a projection has not processed an event older than 5 minutes', async () => {
    await db.pool.query(
      `insert into projection_checkpoints (projection_name, last_position) values ('lead_dashboard', 0)`,
    );
    await event(1, '10 minutes');
    await event(2, '1 minute');
    try {
      const { exitCode, stderr, byId } = await check(['--only', 'projection-lag']);
      expect(exitCode, stderr).toBe(3);
      expect(byId['projection-lag']!.status).toBe('fail');
      expect(byId['projection-lag']!.summary).toMatch(/lead_dashboard \(2 events behind, oldest waiting 10 min\)/);

      // caught up to the old event: the remaining one is recent, in flight
      await db.pool.query(`update projection_checkpoints set last_position = 1`);
      const recent = await check(['--only', 'projection-lag']);
      expect(recent.exitCode, recent.stderr).toBe(0);
      expect(recent.byId['projection-lag']!.status).toBe('pass');
      expect(recent.byId['projection-lag']!.summary).toContain('1 recent events in flight');
    } finally {
      await db.pool.query('delete from projection_checkpoints; delete from domain_events');
    }
  });

  it('a failed projection is named with its error, the patient data in the error masked (check, status)', async () => {
    // a projector's error quotes the event it could not apply
    const error = 'cannot apply LeadCreated for patient Ion Popescu, phone 0722 123 456, ion.popescu@gmail.com';
    await db.pool.query(
      `insert into projection_checkpoints (projection_name, last_position, status, error)
       values ('lead_dashboard', 0, 'failed', $1)`,
      [error],
    );
    try {
      const json = await check(['--only', 'projection-lag']);
      expect(json.exitCode, json.stderr).toBe(3);
      expect(json.byId['projection-lag']!.summary).toContain('lead_dashboard failed: cannot apply LeadCreated');
      const table = await runInProcess(['check', '--migrations-dir', migrationsDir, '--only', 'projection-lag'], {
        cwd: workDir,
        env: env(),
      });
      expect(table.stdout).toContain('lead_dashboard failed');
      const status = await runInProcess(['projections', 'status', '-o', 'json'], { cwd: workDir, env: env() });
      expect(JSON.parse(status.stdout).projections[0].lastError).toContain('cannot apply LeadCreated');
      for (const out of [json.stdout, json.stderr, table.stdout, table.stderr, status.stdout, status.stderr])
        expect(out).not.toMatch(/Popescu|722 ?123 ?456|ion\.popescu/);
    } finally {
      await db.pool.query('delete from projection_checkpoints');
    }
  });

  it('warns on retries in flight and fails on a DLQ backlog', async () => {
    await db.pool.query(
      `insert into webhook_dead_letters (webhook_type, payload, status, created_at) values ('whatsapp', ` +
        `'{"phone":"+40712345678"}', 'pending', now() - interval '2 minutes')`,
    );
    try {
      let result = await check(['--only', 'dlq-backlog']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.byId['dlq-backlog']!.status).toBe('warn');

      await db.pool.query(
        `insert into webhook_dead_letters (webhook_type, payload, status, created_at) values ('hubspot', '{}', ` +
          `'retrying', now() - interval '3 hours'), ('stripe', '{}', 'failed', now() - interval '1 day')`,
      );
      result = await check(['--only', 'dlq-backlog']);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.byId['dlq-backlog']!.status).toBe('fail');
      expect(result.byId['dlq-backlog']!.summary).toMatch(/2 entries waiting, oldest 3 h; 1 entry out of retries/);
      // the payload holds patient data; it is never shown
      expect(result.stdout).not.toContain('+40712345678');
    } finally {
      await db.pool.query('delete from webhook_dead_letters');
    }
  });

  it('fails stuck-sagas for a running saga idle for an hour or past its timeout', async () => {
    await db.pool.query(
      `insert into saga_store (saga_type, correlation_id, status, updated_at) values ('LeadOnboarding', 'c1', ` +
        `'running', now() - interval '1 hour'), ('LeadOnboarding', 'c2', 'completed', now() - interval '2 days')`,
    );
    await db.pool.query(
      `insert into saga_store (saga_type, correlation_id, status, updated_at, timeout_at) values ('Booking', 'c3', ` +
        `'pending', now(), now() - interval '1 minute')`,
    );
    try {
      const { exitCode, stderr, byId } = await check(['--only', 'stuck-sagas']);
      expect(exitCode, stderr).toBe(3);
      expect(byId['stuck-sagas']!.summary).toMatch(/^2 sagas stuck: /);
      expect(byId['stuck-sagas']!.summary).toContain('LeadOnboarding 1 (idle up to 60 min)');
      expect(byId['stuck-sagas']!.summary).toContain('Booking 1');
    } finally {
      await db.pool.query('delete from saga_store');
    }
  });
});

describe('breakers, budget and SLAs (advisory checks)', () => {
  it('fails open-breakers for an open breaker without failing readiness', async () => {
    const store = new BreakerStore(redis, { keyPrefix: prefix });
    await store.forceOpen('hubspot', { forMs: 600_000, reason: 'test', actor: 'check test' });
    try {
      const { exitCode, stderr, byId, report } = await check(['--only', 'open-breakers,database']);
      expect(byId['open-breakers']).toMatchObject({ status: 'fail', required: false });
      expect(byId['open-breakers']!.summary).toContain('open: hubspot');
      expect(exitCode, stderr).toBe(0);
      expect(report.ready).toBe(true);
      expect(report.score).toBe(50);
    } finally {
      await store.reset('hubspot', { actor: 'check test' });
    }
  });

  it('fails budget when spend passes a limit', async () => {
    await db.pool.query(
      `insert into budget_limits (scope, period, limit_usd, hard_stop) values ('global', 'daily', 1.00, true)`,
    );
    await db.pool.query(
      'insert into llm_usage_logs (provider, model, operation, input_tokens, output_tokens, cost_usd, occurred_at) ' +
        `values ('openai', 'gpt-4o', 'lead_scoring', 1000, 500, 2.50, now())`,
    );
    try {
      const { byId } = await check(['--only', 'budget']);
      expect(byId['budget']!.status).toBe('fail');
      expect(byId['budget']!.summary).toContain('budget exceeded: overall daily');
    } finally {
      await db.pool.query('delete from llm_usage_logs; delete from budget_limits');
    }
  });

  it('without Prometheus, fails sla on a breach left open in sla_breaches', async () => {
    await db.pool.query(
      `insert into sla_breaches (sla_id, started_at, worst_value, objective, severity) values ('webhook-success', ` +
        `now() - interval '20 minutes', 98.2, 99.5, 'breach'), ('api-latency-p95', now() - interval '2 days', 0.9, ` +
        `0.5, 'breach')`,
    );
    await db.pool.query(`update sla_breaches set ended_at = now() - interval '1 day' where sla_id = 'api-latency-p95'`);
    try {
      const { byId } = await check(['--only', 'sla']);
      expect(byId['sla']!.status).toBe('fail');
      expect(byId['sla']!.summary).toMatch(
        /^no Prometheus configured; open breaches recorded in sla_breaches: webhook-success since \S+$/,
      );
    } finally {
      await db.pool.query('delete from sla_breaches');
    }
  });

  describe('with a Prometheus', () => {
    let prometheus: TestPrometheus;
    beforeAll(async () => {
      prometheus = await startScenarioPrometheus(platformScenario(Math.floor(Date.now() / 1000 / 300) * 300));
    });
    afterAll(async () => prometheus?.stop());

    it('fails sla when an SLA is breached, and passes prometheus', async () => {
      const { byId } = await check(['--only', 'sla,prometheus'], { MEDICALCOR_PROMETHEUS_URL: prometheus.url });
      expect(byId['prometheus']!.status).toBe('pass');
      expect(byId['sla']).toMatchObject({ status: 'fail', required: false });
      expect(byId['sla']!.summary).toMatch(/^breached: api-latency-p95 750 ms, webhook-success 99\.01 %/);
    });
  });
});

describe('configuration hygiene', () => {
  let configDir: string;
  beforeAll(() => {
    configDir = mkdtempSync(join(tmpdir(), 'mc-check-config-'));
    writeFileSync(
      join(configDir, 'medicalcor.config.yaml'),
      [
        'environments:',
        '  production:',
        '    production: true',
        '    databaseUrl: { env: PROD_DATABASE_URL }',
        '    redisUrl: { env: PROD_REDIS_URL }',
        '    prometheusUrl: http://prometheus.internal:9090',
        '    corsOrigins: ["https://app.medicalcor.ro", "*"]',
        '  staging:',
        '    databaseUrl: postgres://app:hunter2-staging@db.staging.internal/medicalcor',
        '    corsOrigins: ["*"]',
        '  tidy:',
        '    production: true',
        '    databaseUrl: { env: PROD_DATABASE_URL }',
        '    redisUrl: { env: TIDY_REDIS_URL }',
        '    corsOrigins: ["https://app.medicalcor.ro"]',
        '  dev:',
        '    corsOrigins: ["*"]',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));

  const hygiene = (envName: string) =>
    runInProcess(['check', '--env', envName, '--only', 'config-cors,config-secrets,config-tls', '-o', 'json'], {
      cwd: configDir,
      env: {
        PROD_DATABASE_URL: 'postgres://app:s3cr3t-prod@db.prod.internal:5432/medicalcor',
        PROD_REDIS_URL: 'redis://:r3d1s-prod@cache.prod.internal:6379',
        TIDY_REDIS_URL: 'rediss://cache.prod.internal:6380',
      },
    });

  it('fails a CORS wildcard, a plain-text password (in any environment) and non-TLS URLs on production', async () => {
    const result = await hygiene('production');
    expect(result.exitCode, result.stderr).toBe(3);
    const byId = Object.fromEntries((JSON.parse(result.stdout) as CheckJson).checks.map((c) => [c.id, c]));
    expect(byId['config-cors']!.status).toBe('fail');
    expect(byId['config-secrets']!.status).toBe('fail');
    expect(byId['config-secrets']!.summary).toContain('environments.staging.databaseUrl (a password in the URL)');
    expect(byId['config-tls']!.status).toBe('fail');
    expect(byId['config-tls']!.summary).toContain(
      'database postgres://app:****@db.prod.internal:5432/medicalcor (no sslmode=require (or verify-full))',
    );
    expect(byId['config-tls']!.summary).toContain(
      'redis redis://:****@cache.prod.internal:6379 (redis:// instead of rediss://)',
    );
    expect(byId['config-tls']!.summary).toContain(
      'prometheus http://prometheus.internal:9090/ (http:// instead of https://)',
    );
    // no secret reaches the output
    for (const secret of ['hunter2-staging', 's3cr3t-prod', 'r3d1s-prod'])
      expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('only warns about a wildcard off production, and passes TLS on a tidy production environment', async () => {
    const dev = await hygiene('dev');
    const devById = Object.fromEntries((JSON.parse(dev.stdout) as CheckJson).checks.map((c) => [c.id, c]));
    expect(devById['config-cors']).toMatchObject({ status: 'warn', summary: 'corsOrigins allows any origin ("*")' });
    const tidy = await hygiene('tidy');
    const byId = Object.fromEntries((JSON.parse(tidy.stdout) as CheckJson).checks.map((c) => [c.id, c]));
    expect(byId['config-cors']!.status).toBe('pass');
    expect(byId['config-tls']!.status).toBe('fail');
    expect(byId['config-tls']!.summary).not.toContain('redis');
    expect(byId['config-tls']!.summary).toContain('database');
  });
});

describe('output for CI and the runbook engine', () => {
  it('prints GitHub annotations: an error per failed required check and the score', async () => {
    const file = join(migrationsDir, '20991231000001_pending.sql');
    writeFileSync(file, '-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n');
    try {
      const result = await runInProcess(
        ['check', '--migrations-dir', migrationsDir, '--only', 'database,migrations-pending', '-o', 'github'],
        { cwd: workDir, env: env() },
      );
      expect(result.exitCode, result.stderr).toBe(3);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toMatch(
        new RegExp(
          String.raw`^::error title=check migrations-pending::No pending migrations: ` +
            String.raw`1 migration pending \(20991231000001_pending\.sql\)`,
        ),
      );
      expect(lines.at(-1)).toMatch(/^::error title=readiness::Readiness 50 %25 on local/);
    } finally {
      rmSync(file);
    }
  });

  it('prints a table with what to do, and the score', async () => {
    const result = await runInProcess(['check', '--migrations-dir', migrationsDir, '--only', 'database,config-tls'], {
      cwd: workDir,
      env: env(),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/pass\s+database\s+yes\s+PostgreSQL 15/);
    expect(result.stdout).toMatch(/skip\s+config-tls\s+yes\s+"local" is not a production environment/);
    expect(result.stdout).toContain('Readiness 100 % on local (1 passed, 0 warnings, 0 failed, 1 skipped): ready');
  });

  it('runChecks returns the documented result shape for the runbook engine', async () => {
    const config = resolveConfig(
      { databaseUrl: db.url, migrationsDir },
      { MEDICALCOR_REDIS_URL: TEST_REDIS_URL, MEDICALCOR_REDIS_PREFIX: prefix },
      workDir,
    );
    const results = await runChecks(
      { config, cacheDir: join(cacheHome, 'medicalcor') },
      { only: ['database', 'dlq-backlog', 'prometheus'] },
    );
    expect(results.map((r) => [r.id, r.status, r.required])).toEqual([
      ['database', 'pass', true],
      ['prometheus', 'skip', false],
      ['dlq-backlog', 'pass', true],
    ]);
    for (const r of results) {
      expect(typeof r.title).toBe('string');
      expect(typeof r.summary).toBe('string');
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
  });
});
