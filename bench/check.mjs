// Benchmark of `medicalcor check` on a PostgreSQL 15 database with the MedicalCor schema and
// Redis on loopback: the whole readiness run, the run without the schema comparison (which
// applies the migrations to a throw-away database), and `check --only database` as the baseline
// (CLI start, configuration, one connection), measured in the same run, interleaved.
//
//   npm run build && node bench/check.mjs        (CHECK_BENCH_RUNS, default 7)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { median } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin/medicalcor');
const runs = Number(process.env.CHECK_BENCH_RUNS ?? 7);
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbName = `medicalcor_bench_check_${process.pid}`;
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');

const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`create database ${dbName}`);
const env = { ...process.env, NO_COLOR: '1', MEDICALCOR_DATABASE_URL: dbUrl.toString(), MEDICALCOR_REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', MEDICALCOR_REDIS_PREFIX: `bench-check-${process.pid}:` };
try {
  const up = spawnSync(process.execPath, [bin, 'migrate', 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (up.status !== 0) throw new Error(`migrate up failed: ${up.stderr}`);
  const time = (args) => () => {
    const start = performance.now();
    const r = spawnSync(process.execPath, [bin, 'check', ...args, '-o', 'json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - start;
    if (r.status !== 0) throw new Error(`check ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    return ms;
  };
  const commands = {
    'check --only database (baseline)': time(['--only', 'database']),
    'check --skip schema-drift (17 checks)': time(['--skip', 'schema-drift']),
    'check (all 18 checks)': time([]),
  };
  const samples = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (const run of Object.values(commands)) run();
  for (let i = 0; i < runs; i++) for (const [name, run] of Object.entries(commands)) samples[name].push(run());
  const base = median(samples['check --only database (baseline)']);
  for (const [name, values] of Object.entries(samples)) {
    const ms = median(values);
    console.log(`${name.padEnd(40)} median ${ms.toFixed(1)} ms${name.includes('baseline') ? '' : `  (${ms >= base ? "+" : "−"}${Math.abs(ms - base).toFixed(1)} ms against the baseline, ×${(ms / base).toFixed(2)})`}`);
  }
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
