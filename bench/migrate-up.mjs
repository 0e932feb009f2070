// `medicalcor migrate up` against bare `dbmate migrate`, fresh processes, on scratch databases of
// the local PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres):
//  - nothing pending (goal ≤ 150 ms over dbmate)
//  - 1 pending migration (goal ≤ 200 ms over dbmate) and 50 pending (goal ≤ 0.1 ms per extra migration)
// Each pending run starts from a fresh copy (not timed) of a database that has one migration applied
// by medicalcor already (schema_migrations and the ledger exist, as on any database after its first
// run); the measured directories hold that one plus N new ones. Medians of RUNS interleaved runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fmt, median, timeProcess } from './lib/measure.mjs';
import { figure } from './lib/figures.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/medicalcor`;
const dbmate = `${root}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
const server = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `mc_bench_up_${process.pid}`;
const runs = Number(process.env.RUNS ?? 9);

/** A directory of the base migration plus `n` small new ones, one table each. */
function migrations(n) {
  const dir = mkdtempSync(join(tmpdir(), `mc-bench-${n}-`));
  for (let i = 0; i <= n; i++) {
    const version = `2024010100${String(i).padStart(4, '0')}`;
    writeFileSync(
      join(dir, `${version}_table_${i}.sql`),
      `-- migrate:up\ncreate table bench_${i} (id bigint primary key, note text);\n\n-- migrate:down\ndrop table bench_${i};\n`,
    );
  }
  return dir;
}

const admin = new pg.Client({ connectionString: server.toString() });
await admin.connect();
const url = new URL(server);
url.pathname = `/${name}`;
url.searchParams.set('sslmode', 'disable');
const template = `${name}_base`;
const fresh = async () => {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name} template ${template}`);
};

const env = { ...process.env, NO_COLOR: '1' };
const dbmateUp = (dir) => () =>
  timeProcess(dbmate, ['--migrations-dir', dir, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: url.toString() },
  });
const medicalcorUp = (dir) => () =>
  timeProcess(process.execPath, [bin, '--database-url', url.toString(), '--migrations-dir', dir, 'migrate', 'up'], {
    env,
  });
const nodeBaseline = () => {
  const start = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - start;
};

/** Interleaved runs of each variant, each from a fresh database when `reset`; medians in ms. */
async function measure(variants, reset) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const [key, run] of Object.entries(variants)) {
    if (reset) await fresh();
    run(); // warm-up
    void key;
  }
  for (let i = 0; i < runs; i++) {
    for (const [key, run] of Object.entries(variants)) {
      if (reset) await fresh();
      samples[key].push(run());
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

const base = migrations(0);
const one = migrations(1);
const fifty = migrations(50);
try {
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  timeProcess(
    process.execPath,
    [bin, '--database-url', templateUrl.toString(), '--migrations-dir', base, 'migrate', 'up'],
    { env },
  );
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [template]);
  const load = median(Array.from({ length: 5 }, nodeBaseline));
  const pending = await measure(
    {
      dbmate1: dbmateUp(one),
      medicalcor1: medicalcorUp(one),
      dbmate50: dbmateUp(fifty),
      medicalcor50: medicalcorUp(fifty),
    },
    true,
  );
  // nothing pending: the 50 are applied once, then every run finds nothing to do
  await fresh();
  medicalcorUp(fifty)();
  const idle = await measure({ dbmate: dbmateUp(fifty), medicalcor: medicalcorUp(fifty) }, false);

  const over1 = pending.medicalcor1 - pending.dbmate1;
  const over50 = pending.medicalcor50 - pending.dbmate50;
  const perExtra = (over50 - over1) / 49;
  console.log(
    'data: a database with 1 migration applied by medicalcor; 1 or 50 new migrations of one small table each',
  );
  console.log(`machine load: node -e 0 ${fmt(load)} (median of 5)`);
  console.log(
    `1 pending:   dbmate ${fmt(pending.dbmate1)}   medicalcor ${fmt(pending.medicalcor1)}   over dbmate ${fmt(over1)} (goal ≤ 200 ms)`,
  );
  console.log(
    `50 pending:  dbmate ${fmt(pending.dbmate50)}   medicalcor ${fmt(pending.medicalcor50)}   over dbmate ${fmt(over50)}`,
  );
  console.log(`per extra migration over dbmate: ${perExtra.toFixed(2)} ms (goal ≤ 0.1 ms)`);
  console.log(
    `nothing pending (50 applied): dbmate ${fmt(idle.dbmate)}   medicalcor ${fmt(idle.medicalcor)}   over dbmate ${fmt(idle.medicalcor - idle.dbmate)} (goal ≤ 150 ms)`,
  );
  console.log(`medians of ${runs} interleaved runs, fresh processes, a fresh database before each pending run`);
  figure('migrate.up-1-pending-over-dbmate', over1, { unit: 'ms', goal: 200, shape: '1 small-table migration' });
  figure('migrate.up-per-extra-migration', perExtra, { unit: 'ms', goal: 0.1, shape: '50 small-table migrations' });
  figure('migrate.up-nothing-pending-over-dbmate', idle.medicalcor - idle.dbmate, { unit: 'ms', goal: 150 });
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.end();
  rmSync(base, { recursive: true, force: true });
  rmSync(one, { recursive: true, force: true });
  rmSync(fifty, { recursive: true, force: true });
}
