// Benchmark of `budget status` at scale: 500 tenants x 20 models x 10 operations, on the 30th of
// the month (the worst day for anything that sums daily rows).
//
//   npm run build && node bench/budget-status.mjs              # 1,000,000 ledger rows
//   BUDGET_BENCH_ROWS=300000 node bench/budget-status.mjs      # smaller
//
// Generates, in a dedicated database (BUDGET_BENCH_DB, default medicalcor_bench_budget30; reused when
// the row count matches, --fresh to regenerate), a ledger for November 2026 from the 1st to the
// 30th 18:00 UTC, every tenant x model x operation present, with a monthly budget per tenant; the
// status is computed "as of" 2026-11-30T18:00Z. The ledger is bulk-loaded with the roll-up trigger
// off and the roll-ups built in one grouped insert (what the migration's backfill does).
// Prints medians over BUDGET_BENCH_RUNS (default 15) of getBudgetStatus() (all tenants and
// --tenant), against the previous design's query over the daily roll-up, in the same run.
// Goal (issue #19): <= 100 ms.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { getBudgetStatus } from '../dist/core/internal.js';
import { median } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.BUDGET_BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.BUDGET_BENCH_RUNS ?? 15);
const dbName = process.env.BUDGET_BENCH_DB ?? 'medicalcor_bench_budget30';
const fresh = process.argv.includes('--fresh');
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');
const NOW = new Date('2026-11-30T18:00:00Z');

async function prepare() {
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [dbName])).rowCount > 0;
  if (exists && !fresh) {
    const probe = new pg.Client({ connectionString: dbUrl.toString() });
    await probe.connect();
    const count = await probe
      .query('select count(*)::int as n from llm_usage_logs')
      .catch(() => ({ rows: [{ n: -1 }] }));
    await probe.end();
    if (count.rows[0].n === rows) {
      await admin.end();
      return;
    }
  }
  if (exists) await admin.query(`drop database ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
  const applied = spawnSync(dbmate, ['--migrations-dir', `${repo}src/migrations`, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: dbUrl.toString() },
    encoding: 'utf8',
  });
  if (applied.status !== 0) throw new Error(`dbmate failed: ${applied.stderr}`);
  const client = new pg.Client({ connectionString: dbUrl.toString() });
  await client.connect();
  const start = performance.now();
  await client.query('alter table llm_usage_logs disable trigger user');
  // i walks tenant x model x operation (100,000 combinations) so each appears; times spread over 1st..30th 18:00
  await client.query(
    `
    insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd, occurred_at)
    select 'openai', 'model-' || (i / 500) % 20, 'op-' || (i / 10000) % 10, 'tenant-' || i % 500,
           500 + i % 3000, 50 + i % 700, round(((500 + i % 3000) * 2.5 + (50 + i % 700) * 10) / 1e6, 6),
           timestamptz '2026-11-01 00:00:00+00' + (timestamptz '2026-11-30 18:00:00+00' - timestamptz '2026-11-01 00:00:00+00')
             * ((i::float8 * 0.6180339887) - floor(i::float8 * 0.6180339887))
      from generate_series(0, $1::int - 1) as i`,
    [rows],
  );
  await client.query(`
    insert into llm_usage_daily (day, tenant_key, provider, model, operation, calls, input_tokens, output_tokens, cached_tokens, cost_usd)
    select (occurred_at at time zone 'UTC')::date, coalesce(tenant_id, ''), provider, model, operation,
           count(*), sum(input_tokens), sum(output_tokens), sum(cached_tokens), sum(cost_usd)
      from llm_usage_logs group by 1, 2, 3, 4, 5`);
  await client.query(`
    insert into llm_usage_rollup (period, period_start, dim, key1, key2, calls, input_tokens, output_tokens, cost_usd)
    select p.period, p.start, g.dim, g.key1, g.key2, sum(dd.calls), sum(dd.input_tokens), sum(dd.output_tokens), sum(dd.cost_usd)
      from llm_usage_daily dd
      cross join lateral (values ('day', dd.day), ('month', date_trunc('month', dd.day)::date)) as p(period, start)
      cross join lateral (values ('model', dd.provider || '/' || dd.model, ''), ('operation', dd.operation, ''), ('tenant', dd.tenant_key, ''),
                                 ('tenant_model', dd.tenant_key, dd.provider || '/' || dd.model), ('tenant_operation', dd.tenant_key, dd.operation)) as g(dim, key1, key2)
     where p.period = 'month' or g.dim = 'tenant'
     group by 1, 2, 3, 4, 5`);
  await client.query('alter table llm_usage_logs enable trigger user');
  await client.query(`insert into budget_limits (scope, tenant_id, period, limit_usd)
    select 'global', null, p, case p when 'daily' then 5000 else 100000 end from unnest(array['daily','monthly']) p
    union all select 'tenant', 'tenant-' || t, 'monthly', 300 from generate_series(0, 499) t`);
  await client.query('vacuum analyze llm_usage_logs, llm_usage_daily, llm_usage_rollup, budget_limits');
  await client.end();
  console.log(
    `generated ${rows.toLocaleString('en-US')} ledger rows for 2026-11-01..30 in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

await prepare();
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
const counts = (
  await pool.query(
    `select (select count(*) from llm_usage_daily)::int as daily, (select count(*) from llm_usage_rollup)::int as rollup`,
  )
).rows[0];

// the previous design: the same grouping sets over the daily roll-up, month to date
const previous = () =>
  pool.query(
    `
  select case when grouping(tenant_key) = 0 then 'tenant' when grouping(model) = 0 then 'model' else 'operation' end as kind,
         coalesce(tenant_key, provider || '/' || model, operation) as name,
         coalesce(sum(cost_usd) filter (where day = $2), 0) as today_cost, sum(cost_usd) as month_cost, sum(calls) as month_calls
    from llm_usage_daily where day >= $1 and day <= $2
   group by grouping sets ((tenant_key), (provider, model), (operation))`,
    ['2026-11-01', '2026-11-30'],
  );

async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const status = () => getBudgetStatus({ pool, redis: undefined, now: NOW });
const tenant = () => getBudgetStatus({ pool, redis: undefined, now: NOW, tenant: 'tenant-7' });
await status();
await tenant();
await previous();
const all = [];
const one = [];
const old = [];
for (let i = 0; i < runs; i++) {
  all.push(await time(status));
  one.push(await time(tenant));
  if (i < 7) old.push(await time(previous));
}
const node0 = median(
  Array.from({ length: 5 }, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - start;
  }),
);
const check = await status();
const ms = (v) => `${v.toFixed(1)} ms`;
console.log(
  `budget status on 2026-11-30 18:00 UTC (data generated for the 30th): ${rows.toLocaleString('en-US')} ledger rows,`,
);
console.log(
  `  500 tenants x 20 models x 10 operations; ${counts.daily.toLocaleString('en-US')} daily roll-up rows, ${counts.rollup.toLocaleString('en-US')} month/day roll-up rows; ${check.budgets.length} budgets`,
);
console.log(
  `  getBudgetStatus(), all tenants      ${ms(median(all))}   (${runs} runs; goal <= 100 ms: ${median(all) <= 100 ? 'met' : 'NOT met'})`,
);
console.log(`  getBudgetStatus(--tenant)           ${ms(median(one))}`);
console.log(
  `  previous design (daily roll-up)     ${ms(median(old))}   (${old.length} runs; ratio ${(median(old) / median(all)).toFixed(1)}x)`,
);
console.log(`  machine load: node -e 0 = ${ms(node0)}`);
await pool.end();
