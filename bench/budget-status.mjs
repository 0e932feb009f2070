// Benchmark of `budget status` at scale: 500 tenants x 20 models x 10 operations, on the 30th of
// the month (the worst day for anything that sums daily rows).
//
//   npm run build && node bench/budget-status.mjs              # 1,000,000 ledger rows
//   BUDGET_BENCH_ROWS=300000 node bench/budget-status.mjs      # smaller
//
// Generates, in a dedicated database (BUDGET_BENCH_DB, default medicalcor_bench_budget30_fold; reused when
// the row count matches, --fresh to regenerate), a ledger for November 2026 from the 1st to the
// 30th 18:00 UTC, every tenant x model x operation present, with a monthly budget per tenant; the
// status is computed "as of" 2026-11-30T18:00Z. The ledger is bulk-loaded and folded into the
// roll-up by llm_usage_fold() (what the controllers do every few seconds).
// Prints medians over BUDGET_BENCH_RUNS (default 15) of getBudgetStatus() (all tenants and
// --tenant), with the tail folded and with a tail of unfolded rows (BUDGET_BENCH_TAILS, default
// 1000,10000,100000: rows written since the last fold, inserted in a transaction that is rolled
// back, so the database is reused unchanged), and the same status summed from the raw ledger.
// Goal (issue #19): <= 100 ms.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { getBudgetStatus } from '../dist/core/internal.js';
import { figure } from './lib/figures.mjs';
import { median } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const rows = Number(process.env.BUDGET_BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.BUDGET_BENCH_RUNS ?? 15);
const dbName = process.env.BUDGET_BENCH_DB ?? 'medicalcor_bench_budget30_fold';
const fresh = process.argv.includes('--fresh');
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');
const NOW = new Date('2026-11-30T18:00:00Z');

/** $1 ledger rows from offset `from` of the same walk (a tail continues it, a minute before "now") */
const ledgerRows = (from) => `
    insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd,
                                occurred_at)
    select 'openai', 'model-' || (i / 500) % 20, 'op-' || (i / 10000) % 10, 'tenant-' || i % 500,
           500 + i % 3000, 50 + i % 700, round(((500 + i % 3000) * 2.5 + (50 + i % 700) * 10) / 1e6, 6),
           ${
             from === 0
               ? `timestamptz '2026-11-01 00:00:00+00' + (timestamptz '2026-11-30 18:00:00+00' -
                  timestamptz '2026-11-01 00:00:00+00')
                 * ((i::float8 * 0.6180339887) - floor(i::float8 * 0.6180339887))`
               : `timestamptz '2026-11-30 17:59:00+00'`
           }
      from generate_series(${from}, ${from} + $1::int - 1) as i`;

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
  // i walks tenant x model x operation (100,000 combinations) so each appears; times spread over 1st..30th 18:00
  await client.query(ledgerRows(0), [rows]);
  await client.query('select llm_usage_fold()');
  await client.query(`insert into budget_limits (scope, tenant_id, period, limit_usd)
    select 'global', null, p, case p when 'daily' then 5000 else 100000 end from unnest(array['daily','monthly']) p
    union all select 'tenant', 'tenant-' || t, 'monthly', 300 from generate_series(0, 499) t`);
  await client.query('vacuum analyze llm_usage_logs, llm_usage_rollup, llm_usage_fold_state, budget_limits');
  await client.end();
  console.log(
    `generated ${rows.toLocaleString('en-US')} ledger rows for 2026-11-01..30 ` +
      `in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}

await prepare();
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
const counts = (
  await pool.query(
    `select (select count(*) from llm_usage_rollup)::int as rollup,
            (select count(*) from llm_usage_rollup where period_start >= '2026-11-01')::int as month`,
  )
).rows[0];

// a previous run's rolled-back tails leave dead index entries where the tail is looked up
await pool.query('vacuum llm_usage_logs');

// the same spend summed from the raw ledger, month to date: what a roll-up saves
const raw = () =>
  pool.query(
    `
  select case when grouping(tenant_id) = 0 then 'tenant' when grouping(provider) = 0 then 'model' else 'operation' end,
         coalesce(tenant_id, provider || '/' || model, operation) as name,
         coalesce(sum(cost_usd) filter (where occurred_at >= $2), 0) as today_cost, sum(cost_usd) as month_cost,
         count(*) as month_calls
    from llm_usage_logs where occurred_at >= $1 and occurred_at < $3
   group by grouping sets ((tenant_id), (provider, model), (operation))`,
    ['2026-11-01T00:00:00Z', '2026-11-30T00:00:00Z', '2026-12-01T00:00:00Z'],
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
await raw();
const all = [];
const one = [];
const old = [];
for (let i = 0; i < runs; i++) {
  all.push(await time(status));
  one.push(await time(tenant));
  if (i < 5) old.push(await time(raw));
}

// with a tail: rows written since the last fold, in a transaction rolled back afterwards; status reads
// through that transaction's client (its own rows are the tail), as a pool would
const tails = (process.env.BUDGET_BENCH_TAILS ?? '1000,10000,100000').split(',').map(Number);
const withTail = {};
for (const size of tails) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(ledgerRows(rows), [size]);
    const via = { query: (...args) => client.query(...args) };
    const tailStatus = () => getBudgetStatus({ pool: via, redis: undefined, now: NOW });
    const first = await tailStatus();
    if (first.month.calls !== rows + size)
      throw new Error(`status counted ${first.month.calls} calls, not ${rows + size}`);
    const samples = [];
    for (let i = 0; i < Math.min(runs, 7); i++) samples.push(await time(tailStatus));
    withTail[size] = median(samples);
  } finally {
    await client.query('rollback');
    client.release();
  }
  // the rolled-back rows' index entries would slow the next tail's lookup (a bench artefact)
  await pool.query('vacuum llm_usage_logs');
}

const node0 = median(
  Array.from({ length: 5 }, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - start;
  }),
);
const check = await status();
if (check.month.calls !== rows) throw new Error(`status counted ${check.month.calls} calls, not ${rows}`);
const ms = (v) => `${v.toFixed(1)} ms`;
const shape =
  `data generated for the 30th: ${rows.toLocaleString('en-US')} ledger rows 2026-11-01..30 18:00 UTC, ` +
  `500 tenants x 20 models x 10 operations, ${check.budgets.length} budgets, status as of 2026-11-30T18:00Z; ` +
  `tail folded; node -e 0 = ${node0.toFixed(0)} ms`;
console.log(
  `budget status on 2026-11-30 18:00 UTC (data generated for the 30th): ${rows.toLocaleString('en-US')} ledger rows,`,
);
console.log(
  `  500 tenants x 20 models x 10 operations; ${counts.rollup.toLocaleString('en-US')} roll-up rows ` +
    `(${counts.month.toLocaleString('en-US')} for November); ${check.budgets.length} budgets`,
);
console.log(
  `  getBudgetStatus(), all tenants      ${ms(median(all))}   ` +
    `(${runs} runs; goal <= 100 ms: ${median(all) <= 100 ? 'met' : 'NOT met'})`,
);
console.log(`  getBudgetStatus(--tenant)           ${ms(median(one))}`);
for (const size of tails)
  console.log(`  all tenants, ${size.toLocaleString('en-US').padStart(7)}-row tail unfolded  ${ms(withTail[size])}`);
console.log(
  `  the same sums from the raw ledger   ${ms(median(old))}   ` +
    `(${old.length} runs; ratio ${(median(old) / median(all)).toFixed(1)}x)`,
);
console.log(`  machine load: node -e 0 = ${ms(node0)}`);
figure('budget.status-ms', Number(median(all).toFixed(2)), { unit: 'ms', goal: 100, shape });
figure('budget.status-tenant-ms', Number(median(one).toFixed(2)), { unit: 'ms', shape: `--tenant; ${shape}` });
for (const size of tails)
  figure(`budget.status-tail-${size}-ms`, Number(withTail[size].toFixed(2)), {
    unit: 'ms',
    shape: `${size.toLocaleString('en-US')} rows not folded yet; ${shape.replace('tail folded; ', '')}`,
  });
await pool.end();
