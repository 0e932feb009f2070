// `medicalcor migrate up` with nothing pending minus bare `dbmate up` (goal ≤ 150 ms), on a
// scratch database of the local PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fmt, medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/medicalcor`;
const dbmate = `${root}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
const migrations = `${root}src/migrations`;
const server = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `mc_bench_up_${process.pid}`;
const runs = Number(process.env.RUNS ?? 15);

const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
url.searchParams.set('sslmode', 'disable');
try {
  const env = { ...process.env, NO_COLOR: '1' };
  const first = spawnSync(process.execPath, [bin, '--database-url', url.toString(), 'migrate', 'up'], { env, encoding: 'utf8' });
  if (first.status !== 0) throw new Error(first.stderr);
  const result = medianOfInterleaved(
    {
      dbmate: () => timeProcess(dbmate, ['--migrations-dir', migrations, '--no-dump-schema', 'up'], { env: { DATABASE_URL: url.toString() } }),
      medicalcor: () => timeProcess(process.execPath, [bin, '--database-url', url.toString(), 'migrate', 'up'], { env }),
    },
    runs,
  );
  console.log(`bare dbmate up (nothing pending):      ${fmt(result.dbmate)}`);
  console.log(`medicalcor migrate up (nothing pending): ${fmt(result.medicalcor)}`);
  console.log(`difference:                            ${fmt(result.medicalcor - result.dbmate)} (goal ≤ 150 ms; median of ${runs})`);
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
