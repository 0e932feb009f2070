// Benchmark of `medicalcor budget status` over a large llm_usage_logs ledger.
//
//   npm run build && node bench/budget-status.mjs            # 1,000,000 ledger rows
//   BUDGET_BENCH_ROWS=100000 node bench/budget-status.mjs    # smaller
//
// Generates the ledger with generate_series in a dedicated database (BUDGET_BENCH_DB, default
// medicalcor_bench_budget on TEST_PG_URL / 127.0.0.1:5432; kept for the next run when the row count
// matches, --fresh to regenerate): this month up to now, 50 tenants, 8 models, 6 operations, with
// budgets for every tenant. Prints the median over BUDGET_BENCH_RUNS (default 15) of:
//   - the query part: getBudgetStatus() from dist/core (what the command runs, on a warm pool);
//   - for comparison, the same totals and top lists computed from the raw ledger;
//   - the whole `medicalcor budget status -o json` process, against `node -e 0`.
// Goal (issue #6): the query part ≤ 100 ms over 1M rows.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { Redis } from 'ioredis';
import { getBudgetStatus } from '../dist/core/index.js';
import { median, medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.BUDGET_BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.BUDGET_BENCH_RUNS ?? 15);
const dbName = process.env.BUDGET_BENCH_DB ?? 'medicalcor_bench_budget';
const fresh = process.argv.includes('--fresh');
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mcbench:budget:${randomBytes(4).toString('hex')}:`;

async function prepare() {
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0;
  if (exists && !fresh) {
    const probe = new pg.Client({ connectionString: dbUrl.toString() });
    await probe.connect();
    const count = await probe.query(`select count(*)::int as n, max(occurred_at) >= date_trunc('month', now()) as current from llm_usage_logs`).catch(() => ({ rows: [{ n: -1 }] }));
    await probe.end();
    if (count.rows[0].n === rows && count.rows[0].current) {
      await admin.end();
      return false;
    }
  }
  if (exists) await admin.query(`drop database ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
  const applied = spawnSync(dbmate, ['--migrations-dir', `${repo}src/migrations`, '--no-dump-schema', 'migrate'], { env: { DATABASE_URL: dbUrl.toString() }, encoding: 'utf8' });
  if (applied.status !== 0) throw new Error(`dbmate failed: ${applied.stderr}`);
  const client = new pg.Client({ connectionString: dbUrl.toString() });
  await client.connect();
  const start = performance.now();
  await client.query(`
    insert into llm_usage_logs (provider, model, operation, tenant_id, user_id, input_tokens, output_tokens, cached_tokens, cost_usd, correlation_id, latency_ms, occurred_at)
    select (array['openai','openai','openai','anthropic','anthropic','google','google','openai'])[1 + i % 8],
           (array['gpt-4o','gpt-4o-mini','gpt-4.1','claude-sonnet-4','claude-3-5-haiku','gemini-2.5-pro','gemini-2.0-flash','text-embedding-3-small'])[1 + i % 8],
           (array['lead_scoring','reply_draft','intent','summary','embedding','triage'])[1 + i % 6],
           'tenant-' || (i % 50), 'user-' || (i % 5000),
           500 + i % 3000, 50 + i % 700, (i % 5) * 100,
           round(((500 + i % 3000) * 2.5 + (50 + i % 700) * 10) / 1e6, 6),
           'corr-' || i, 100 + i % 900,
           date_trunc('month', now()) + (now() - date_trunc('month', now())) * ((i::float8 * 0.6180339887) - floor(i::float8 * 0.6180339887))
      from generate_series(1, $1::int) as i`, [rows]);
  await client.query(`insert into budget_limits (scope, tenant_id, period, limit_usd)
    select 'global', null, p, case p when 'daily' then 500 else 10000 end from unnest(array['daily','monthly']) p
    union all select 'tenant', 'tenant-' || t, 'monthly', 300 from generate_series(0, 49) t`);
  await client.query('vacuum analyze llm_usage_logs, llm_usage_daily, budget_limits');
  await client.end();
  console.log(`generated ${rows.toLocaleString('en-US')} ledger rows in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return true;
}

await prepare();
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
const redis = new Redis(redisUrl);
const daily = (await pool.query('select count(*)::int as n from llm_usage_daily')).rows[0].n;

const rawLedger = () => pool.query(`
  select case when grouping(tenant_id) = 0 then 'tenant' when grouping(model) = 0 then 'model' else 'operation' end as kind,
         coalesce(tenant_id, provider || '/' || model, operation) as name,
         sum(cost_usd) filter (where occurred_at >= date_trunc('day', now())) as today, sum(cost_usd) as month, count(*) as calls
    from llm_usage_logs where occurred_at >= date_trunc('month', now())
   group by grouping sets ((tenant_id), (provider, model), (operation))`);

async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

await getBudgetStatus({ pool, redis, keyPrefix: prefix });
await rawLedger();
const query = [];
const tenantQuery = [];
const raw = [];
for (let i = 0; i < runs; i++) {
  query.push(await time(() => getBudgetStatus({ pool, redis, keyPrefix: prefix })));
  tenantQuery.push(await time(() => getBudgetStatus({ pool, redis, keyPrefix: prefix, tenant: 'tenant-7' })));
  if (i < 5) raw.push(await time(rawLedger));
}

const env = { ...process.env, NO_COLOR: '1', MEDICALCOR_DATABASE_URL: dbUrl.toString(), MEDICALCOR_REDIS_URL: redisUrl, MEDICALCOR_REDIS_PREFIX: prefix };
const cliRuns = Math.min(runs, 9);
// exit 3: a budget is exceeded, which the generated ledger may well show
const wall = medianOfInterleaved({
  cli: () => timeProcess(process.execPath, [`${repo}bin/medicalcor`, 'budget', 'status', '-o', 'json'], { env, okStatus: [0, 3] }),
  node: () => timeProcess(process.execPath, ['-e', '0'], { env }),
}, cliRuns);

const ms = (v) => `${v.toFixed(1)} ms`;
const q = median(query);
console.log(`budget status over ${rows.toLocaleString('en-US')} ledger rows (${daily.toLocaleString('en-US')} daily roll-up rows), medians`);
console.log(`  query part, getBudgetStatus()            ${ms(q)}   (${runs} runs; goal <= 100 ms: ${q <= 100 ? 'met' : 'NOT met'})`);
console.log(`  query part, getBudgetStatus(--tenant)    ${ms(median(tenantQuery))}`);
console.log(`  for comparison: same sums on raw ledger  ${ms(median(raw))}   (${raw.length} runs)`);
console.log(`  whole process: budget status -o json     ${ms(wall.cli)}   vs node -e 0 ${ms(wall.node)}   (${cliRuns} runs)`);

await pool.end();
const keys = await redis.keys(`${prefix}*`);
if (keys.length) await redis.del(...keys);
redis.disconnect();
