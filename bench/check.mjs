// Benchmark of `medicalcor check` on a PostgreSQL 15 database with the MedicalCor schema and
// Redis on loopback: the whole readiness run, the run without the schema comparison (which
// applies the migrations to a throw-away database), and `check --only database` as the baseline
// (CLI start, configuration, one connection), measured in the same run, interleaved.
//
//   npm run build && node bench/check.mjs        (CHECK_BENCH_RUNS, default 7)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import pg from 'pg';
import { figure } from './lib/figures.mjs';
import { medianOfInterleaved, timeProcess, vsBaseline } from './lib/measure.mjs';

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
const env = {
  ...process.env,
  NO_COLOR: '1',
  MEDICALCOR_DATABASE_URL: dbUrl.toString(),
  MEDICALCOR_REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  MEDICALCOR_REDIS_PREFIX: `bench-check-${process.pid}:`,
};
try {
  const up = spawnSync(process.execPath, [bin, 'migrate', 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (up.status !== 0) throw new Error(`migrate up failed: ${up.stderr}`);
  const time = (args) => () => timeProcess(process.execPath, [bin, 'check', ...args, '-o', 'json'], { env });
  const medians = medianOfInterleaved(
    {
      'check --only database (baseline)': time(['--only', 'database']),
      'check --skip schema-drift (17 checks)': time(['--skip', 'schema-drift']),
      'check (all 18 checks)': time([]),
    },
    runs,
  );
  const base = medians['check --only database (baseline)'];
  const shape = 'fresh database with the MedicalCor migrations, local Redis';
  figure('check.all-over-database-only-ratio', medians['check (all 18 checks)'] / base, { unit: '×', shape });
  figure('check.without-drift-over-database-only-ratio', medians['check --skip schema-drift (17 checks)'] / base, {
    unit: '×',
    shape,
  });
  for (const [name, ms] of Object.entries(medians)) {
    console.log(
      `${name.padEnd(40)} median ${ms.toFixed(1)} ms${name.includes('baseline') ? '' : `  ${vsBaseline(ms, base)}`}`,
    );
  }
} finally {
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
}
