// Cost of the ledger roll-up per insert: single-row inserts into llm_usage_logs (as the controller
// writes them, one per AI call) with the roll-up trigger on, against the same inserts with it off,
// interleaved in batches in one fresh database.
//
//   npm run build && node bench/budget-rollup.mjs        # 5 x 1,000 inserts each way
// Goal (issue #19): the roll-up costs <= 0.2 ms per ledger insert.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { median } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const batches = Number(process.env.ROLLUP_BENCH_BATCHES ?? 5);
const perBatch = Number(process.env.ROLLUP_BENCH_INSERTS ?? 1_000);
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `mcbench_rollup_${randomBytes(3).toString('hex')}`;
const url = new URL(server);
url.pathname = `/${name}`;
url.searchParams.set('sslmode', 'disable');

const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`create database ${name}`);
const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
const applied = spawnSync(dbmate, ['--migrations-dir', `${repo}src/migrations`, '--no-dump-schema', 'migrate'], {
  env: { DATABASE_URL: url.toString() },
  encoding: 'utf8',
});
if (applied.status !== 0) throw new Error(applied.stderr);
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
// the commit's fsync is the same with or without the trigger and dwarfs it on a busy disk: off here
await client.query('set synchronous_commit = off');

let n = 0;
async function batch() {
  const start = performance.now();
  for (let i = 0; i < perBatch; i++, n++) {
    await client.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd, occurred_at, budget_seq)
       values ('openai', $1, $2, $3, 1200, 300, 0.006, now(), $4)`,
      [`gpt-4o-${n % 20}`, `op-${n % 10}`, `tenant-${n % 500}`, n],
    );
  }
  return (performance.now() - start) / perBatch;
}

// off: no trigger; previous: only the daily roll-up's trigger (the design before); on: both roll-ups
const mode = async (which) => {
  await client.query(
    `alter table llm_usage_logs ${which === 'on' ? 'enable' : 'disable'} trigger llm_usage_logs_rollup_insert`,
  );
  await client.query(
    `alter table llm_usage_logs ${which === 'off' ? 'disable' : 'enable'} trigger llm_usage_logs_daily_insert`,
  );
};
const on = [];
const off = [];
const previous = [];
await mode('on');
await batch(); // warm-up
for (let b = 0; b < batches; b++) {
  await mode('off');
  off.push(await batch());
  await mode('on');
  on.push(await batch());
  await mode('previous');
  previous.push(await batch());
}
await client.end();
await admin.query(`drop database ${name} with (force)`);
await admin.end();

const cost = median(on) - median(off);
const added = median(on) - median(previous);
console.log(
  `ledger insert with the roll-up trigger: ${median(on).toFixed(3)} ms, without: ${median(off).toFixed(3)} ms (medians of ${batches} x ${perBatch} single-row inserts, synchronous_commit off)`,
);
console.log(
  `roll-up cost per insert (both roll-ups): ${cost.toFixed(3)} ms (goal <= 0.2 ms: ${cost <= 0.2 ? 'met' : 'NOT met'}); the daily roll-up alone (previous design): ${(median(previous) - median(off)).toFixed(3)} ms; added by the month roll-up: ${added.toFixed(3)} ms`,
);
const started = performance.now();
spawnSync(process.execPath, ['-e', '0']);
console.log(`machine load: node -e 0 = ${(performance.now() - started).toFixed(1)} ms`);
