// Cost of the ledger roll-up per insert: single-row inserts into llm_usage_logs (as the controller
// writes them, one per AI call), interleaved in batches, each way in the same run:
//   this design    (20251201000800: no insert trigger; the fold_xid default and its partial index)
//   bare ledger    (the same database with the default and the index removed: no roll-up at all)
//   previous       (a second database migrated up to 20251201000700: the daily and month/day
//                   roll-up triggers on, and with them off)
// Wall time per insert from the client, and the backend's CPU time (/proc/<pid>/schedstat of the
// PostgreSQL backend, in ns), which the load of a shared machine inflates far less. The work moved
// off the insert path is measured too: llm_usage_fold() of each batch, per row folded.
//
//   npm run build && node bench/budget-rollup.mjs        # 5 x 1,000 inserts each way
// Goal (issue #19): the roll-up costs <= 0.2 ms per ledger insert.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { figure } from './lib/figures.mjs';
import { median } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const batches = Number(process.env.ROLLUP_BENCH_BATCHES ?? 5);
const perBatch = Number(process.env.ROLLUP_BENCH_INSERTS ?? 1_000);
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const FIRST_OF_THIS_DESIGN = '20251201000800';
const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;

const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();

/** A fresh database with the migrations before `before` (all when undefined); returns a connected client. */
async function database(label, before) {
  const name = `mcbench_rollup_${label}_${randomBytes(3).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  url.searchParams.set('sslmode', 'disable');
  let dir = `${repo}src/migrations`;
  if (before) {
    dir = mkdtempSync(join(tmpdir(), 'mc-rollup-bench-'));
    for (const f of readdirSync(`${repo}src/migrations`).filter((n) => n.endsWith('.sql') && n < before))
      copyFileSync(`${repo}src/migrations/${f}`, join(dir, f));
  }
  const applied = spawnSync(dbmate, ['--migrations-dir', dir, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: url.toString() },
    encoding: 'utf8',
  });
  if (before) rmSync(dir, { recursive: true, force: true });
  if (applied.status !== 0) throw new Error(applied.stderr);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  // the commit's fsync is the same with or without a roll-up and dwarfs it on a busy disk: off here
  await client.query('set synchronous_commit = off');
  const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid;
  return { name, client, pid };
}

/** CPU time of a PostgreSQL backend so far, in ms (same machine: the server listens on loopback). */
const backendCpuMs = (pid) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;

let n = 0;
/** perBatch single-row inserts; wall and backend CPU per insert in ms */
async function batch(db) {
  const cpu = backendCpuMs(db.pid);
  const start = performance.now();
  for (let i = 0; i < perBatch; i++, n++) {
    await db.client.query(
      `insert into llm_usage_logs (provider, model, operation, tenant_id, input_tokens, output_tokens, cost_usd,
                                   occurred_at, budget_seq)
       values ('openai', $1, $2, $3, 1200, 300, 0.006, now(), $4)`,
      [`gpt-4o-${n % 20}`, `op-${n % 10}`, `tenant-${n % 500}`, n],
    );
  }
  return { wall: (performance.now() - start) / perBatch, cpu: (backendCpuMs(db.pid) - cpu) / perBatch };
}

const current = await database('now');
const previous = await database('prev', FIRST_OF_THIS_DESIGN);

// this design, or the same ledger with nothing for the roll-up (no default, no index)
async function thisDesign(on) {
  const c = current.client;
  if (on) {
    await c.query('alter table llm_usage_logs alter column fold_xid set default pg_current_xact_id()');
    await c.query(
      'create index if not exists llm_usage_logs_fold_xid_idx on llm_usage_logs (fold_xid) where fold_xid is not null',
    );
  } else {
    await c.query('alter table llm_usage_logs alter column fold_xid drop default');
    await c.query('drop index if exists llm_usage_logs_fold_xid_idx');
  }
}
const previousDesign = (on) =>
  previous.client.query(`alter table llm_usage_logs ${on ? 'enable' : 'disable'} trigger user`);

/** folds what the last batch wrote: the work the inserts no longer do, per row folded */
async function fold() {
  const cpu = backendCpuMs(current.pid);
  const start = performance.now();
  const folded = Number((await current.client.query('select llm_usage_fold() as n')).rows[0].n);
  return { wall: (performance.now() - start) / folded, cpu: (backendCpuMs(current.pid) - cpu) / folded, folded };
}

const samples = { on: [], bare: [], prevOn: [], prevOff: [], fold: [] };
await thisDesign(true);
await batch(current); // warm-up
await fold();
await batch(previous);
for (let b = 0; b < batches; b++) {
  await thisDesign(false);
  samples.bare.push(await batch(current));
  await thisDesign(true);
  samples.on.push(await batch(current));
  samples.fold.push(await fold());
  await previousDesign(false);
  samples.prevOff.push(await batch(previous));
  await previousDesign(true);
  samples.prevOn.push(await batch(previous));
}
await current.client.end();
await previous.client.end();
for (const db of [current, previous]) await admin.query(`drop database ${db.name} with (force)`);
await admin.end();

const med = (key, field) => median(samples[key].map((s) => s[field]));
const cost = { wall: med('on', 'wall') - med('bare', 'wall'), cpu: med('on', 'cpu') - med('bare', 'cpu') };
// the most cautious reading: this design against the previous schema with no roll-up trigger at all
// (different databases, so CPU only: wall times of two connections are too noisy to subtract)
const schemaCpu = med('on', 'cpu') - med('prevOff', 'cpu');
const old = { wall: med('prevOn', 'wall') - med('prevOff', 'wall'), cpu: med('prevOn', 'cpu') - med('prevOff', 'cpu') };
const started = performance.now();
spawnSync(process.execPath, ['-e', '0']);
const node0 = performance.now() - started;
const ms = (v) => `${v.toFixed(3)} ms`;
const shape =
  `${batches} x ${perBatch} single-row inserts each way, interleaved; synchronous_commit off; ` +
  `20 models x 10 operations x 500 tenants; node -e 0 = ${node0.toFixed(0)} ms`;

console.log(`ledger insert, medians of ${batches} x ${perBatch} single-row inserts (synchronous_commit off):`);
console.log('                          wall/insert   backend CPU/insert');
console.log(`  bare ledger             ${ms(med('bare', 'wall'))}      ${ms(med('bare', 'cpu'))}`);
console.log(`  this design (fold)      ${ms(med('on', 'wall'))}      ${ms(med('on', 'cpu'))}`);
console.log(`  previous, triggers off  ${ms(med('prevOff', 'wall'))}      ${ms(med('prevOff', 'cpu'))}`);
console.log(`  previous, triggers on   ${ms(med('prevOn', 'wall'))}      ${ms(med('prevOn', 'cpu'))}`);
console.log(
  `roll-up cost per insert: this design ${ms(cost.wall)} wall, ${ms(cost.cpu)} backend CPU ` +
    `(goal <= 0.2 ms: ${cost.wall <= 0.2 ? 'met' : 'NOT met'}); ` +
    `previous design ${ms(old.wall)} wall, ${ms(old.cpu)} CPU`,
);
console.log(`this design against the previous schema with its triggers off: ${ms(schemaCpu)} backend CPU per insert`);
console.log(
  `fold (off the insert path, every few seconds): ${ms(med('fold', 'wall'))} wall, ${ms(med('fold', 'cpu'))} ` +
    `backend CPU per row folded (batches of ${perBatch})`,
);
console.log(`machine load: node -e 0 = ${node0.toFixed(1)} ms`);

figure('budget.rollup-per-insert-ms', Number(cost.wall.toFixed(4)), { unit: 'ms', goal: 0.2, shape });
figure('budget.rollup-per-insert-cpu-ms', Number(cost.cpu.toFixed(4)), {
  unit: 'ms',
  goal: 0.2,
  shape: `backend CPU (schedstat); ${shape}`,
});
figure('budget.rollup-vs-untriggered-schema-cpu-ms', Number(schemaCpu.toFixed(4)), {
  unit: 'ms',
  goal: 0.2,
  shape: `backend CPU, this design minus the 20251201000700 schema with its triggers off; ${shape}`,
});
figure('budget.rollup-previous-per-insert-ms', Number(old.wall.toFixed(4)), {
  unit: 'ms',
  shape: `previous design (daily + month/day roll-up triggers), same run; ${shape}`,
});
figure('budget.fold-per-row-ms', Number(med('fold', 'wall').toFixed(4)), {
  unit: 'ms',
  shape: `llm_usage_fold() of ${perBatch}-row batches, per row; ${shape}`,
});
