// `medicalcor migrate up` against bare `dbmate migrate`, fresh processes, on scratch databases of
// the local PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres):
//  - nothing pending (goal ≤ 150 ms over dbmate)
//  - 1 pending migration (goal ≤ 200 ms over dbmate) and 50 pending, each a small table
//  - per extra migration (goal ≤ 0.1 ms): 1 and 200 pending one-statement migrations (see perExtraOf)
// Each pending run starts from a fresh copy (not timed) of a database that has one migration applied
// by medicalcor already (schema_migrations and the ledger exist, as on any database after its first
// run); the measured directories hold that one plus N new ones. Medians of RUNS interleaved runs.
//
// Besides wall time (which on a busy machine mostly measures the wait for a core), each run's CPU
// time: the whole process tree (`perf stat -e task-clock`, when perf is there: medicalcor, its
// watcher and dbmate, against dbmate alone) and medicalcor's own Node process (bench/lib/cpu-at-exit.cjs).
// Structure, from one run of each through a counting proxy in front of PostgreSQL: the round trips
// (simple queries and Syncs) and connections of medicalcor's own sessions and of dbmate's, by
// application_name, for 1 and for 50 pending migrations.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fmt, median } from './lib/measure.mjs';
import { figure } from './lib/figures.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = `${root}bin/medicalcor`;
const dbmate = `${root}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
const server = new URL(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const name = `mc_bench_up_${process.pid}`;
const runs = Number(process.env.RUNS ?? 25);

/**
 * A directory of the base migration (table bench_0) plus `n` new ones: a small table each, or
 * with `comment`, a one-statement change of bench_0's comment (see perExtraOf for why).
 */
function migrations(n, shape = 'table') {
  const dir = mkdtempSync(join(tmpdir(), `mc-bench-${n}-`));
  for (let i = 0; i <= n; i++) {
    const version = `2024010100${String(i).padStart(4, '0')}`;
    const [up, down] =
      i > 0 && shape === 'comment'
        ? [`comment on table bench_0 is 'revision ${i}';`, 'comment on table bench_0 is null;']
        : [`create table bench_${i} (id bigint primary key, note text);`, `drop table bench_${i};`];
    writeFileSync(join(dir, `${version}_${shape}_${i}.sql`), `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`);
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
  // the copy's writes are flushed now, not during the timed run that follows
  await admin.query('checkpoint');
};

const env = { ...process.env, NO_COLOR: '1' };
const preload = `${root}bench/lib/cpu-at-exit.cjs`;
const perf = ['/usr/bin/perf', '/usr/local/bin/perf'].find(
  (path) => existsSync(path) && spawnSync(path, ['stat', '-x,', '-e', 'task-clock', 'true']).status === 0,
);
const perfOut = join(mkdtempSync(join(tmpdir(), 'mc-bench-perf-')), 'stat.csv');

/** One fresh process tree: wall ms, CPU ms of the whole tree (perf; NaN without it), of the Node process (preload). */
function timeTree(command, args, options) {
  const argv = perf
    ? [perf, 'stat', '-x,', '-e', 'task-clock', '-o', perfOut, '--', command, ...args]
    : [command, ...args];
  const start = performance.now();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], ...options });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const tree = perf
    ? Number(
        readFileSync(perfOut, 'utf8')
          .split('\n')
          .find((l) => l.includes('task-clock'))
          .split(',')[0],
      )
    : NaN;
  const own = String(result.output[3] ?? '').trim();
  return { wall, tree, node: own ? Number(own.split(' ')[0]) / 1000 : NaN };
}

const dbmateUp =
  (dir, target = url) =>
  () =>
    timeTree(dbmate, ['--migrations-dir', dir, '--no-dump-schema', 'migrate'], {
      env: { DATABASE_URL: target.toString() },
    });
const medicalcorArgs = (dir, target = url) => [
  '-r',
  preload,
  bin,
  '--database-url',
  target.toString(),
  '--migrations-dir',
  dir,
  'migrate',
  'up',
];
const medicalcorUp = (dir) => () => timeTree(process.execPath, medicalcorArgs(dir), { env });
const nodeBaseline = () => timeTree(process.execPath, ['-r', preload, '-e', '0'], {});

/**
 * A proxy in front of PostgreSQL (its own process, so the bench's spawnSync cannot stall it) that
 * counts, per application_name, the connections and the round trips clients start: a simple
 * query ('Q') or a Sync ('S', the end of an extended-protocol exchange) each.
 */
const PROXY_SOURCE = String.raw`
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const counts = {};
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  let buffer = Buffer.alloc(0);
  let started = false;
  let entry;
  client.on('data', (chunk) => {
    upstream.write(chunk);
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 4) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        const fields = buffer.subarray(8, length).toString().split('\0');
        const app = fields[fields.indexOf('application_name') + 1] || '(none)';
        const name = app.startsWith('medicalcor-dbmate') ? 'dbmate' : app;
        entry = counts[name] ??= { connections: 0, roundTrips: 0 };
        entry.connections++;
        started = true;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) break;
      const length = buffer.readInt32BE(1) + 1;
      if (buffer.length < length) break;
      const type = String.fromCharCode(buffer[0]);
      if (type === 'Q' || type === 'S') entry.roundTrips++;
      buffer = buffer.subarray(length);
    }
  });
  upstream.on('data', (chunk) => client.write(chunk));
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('close', end); upstream.on('close', end); client.on('error', end); upstream.on('error', end);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\n'));
process.stdin.on('data', () => process.stdout.write(JSON.stringify(counts) + '\n'));
`;

/** Round trips and connections of one `migrate up` through the proxy, by who made them. */
async function countedRun(dir) {
  const proxy = spawn(process.execPath, ['-e', PROXY_SOURCE, '--', server.hostname, server.port || '5432'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = [];
  let wake = () => {};
  proxy.stdout.on('data', (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    wake();
  });
  const nextLine = async () => {
    while (!lines.length) await new Promise((resolve) => (wake = resolve));
    return lines.shift();
  };
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = await nextLine();
  await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, medicalcorArgs(dir, through), { env, stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`migrate up exited ${code}`))));
  });
  // the server may see a Terminate after the process is gone: give the proxy a moment
  await new Promise((resolve) => setTimeout(resolve, 200));
  proxy.stdin.write('counts\n');
  const counts = JSON.parse(await nextLine());
  proxy.kill();
  return counts;
}

/** Interleaved runs of each variant, each from a fresh database when `reset`; medians in ms, and the samples. */
async function measure(variants, reset) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: [], tree: [], node: [] }]));
  for (const [key, run] of Object.entries(variants)) {
    if (reset) await fresh();
    run(); // warm-up
    void key;
  }
  for (let i = 0; i < runs; i++) {
    // every other round in reverse order, so that whatever a run leaves to the next (the page cache,
    // the server's background writes) falls on each variant alike
    const order = Object.entries(variants);
    for (const [key, run] of i % 2 ? order.reverse() : order) {
      if (reset) await fresh();
      const { wall, tree, node } = run();
      samples[key].wall.push(wall);
      samples[key].tree.push(tree);
      samples[key].node.push(node);
    }
  }
  const medians = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { wall: median(v.wall), tree: median(v.tree), node: median(v.node) }]),
  );
  return { ...medians, samples };
}

/**
 * The cost of each extra migration over dbmate, from each round of the interleaved runs (its four
 * runs are seconds apart, so a slow spell of the machine weighs on all four alike): the median
 * over the rounds, and the quartiles of the rounds' values. The figure is taken on one-statement
 * migrations: the server's own time for 50 small CREATE TABLEs (about 7 ms each here) varies by
 * tens of milliseconds from run to run, the same under either runner, and drowns a tenth of a
 * millisecond per migration; a comment change costs the server about 1 ms. medicalcor's own work
 * per migration does not depend on what the migration does. The small-table estimate is printed too.
 */
function perExtraOf(samples, metric, many = 50) {
  const { dbmate1, medicalcor1 } = samples;
  const [dbmateMany, medicalcorMany] = [samples[`dbmate${many}`], samples[`medicalcor${many}`]];
  const rounds = dbmate1[metric]
    .map(
      (_, i) =>
        (medicalcorMany[metric][i] - dbmateMany[metric][i] - (medicalcor1[metric][i] - dbmate1[metric][i])) /
        (many - 1),
    )
    .sort((a, b) => a - b);
  const at = (q) => rounds[Math.min(rounds.length - 1, Math.floor(q * rounds.length))];
  return { median: median(rounds), low: at(0.25), high: at(0.75) };
}

const base = migrations(0);
const one = migrations(1);
const fifty = migrations(50);
const oneComment = migrations(1, 'comment');
const COMMENTS = 200;
const manyComments = migrations(COMMENTS, 'comment');
try {
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  timeTree(process.execPath, medicalcorArgs(base, templateUrl), { env });
  await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1`, [template]);
  const baselines = Array.from({ length: 5 }, nodeBaseline);
  const load = median(baselines.map((b) => b.wall));
  const loadCpu = median(baselines.map((b) => b.node));
  // the four variants of one set of rounds: each runner on 1 and on `many` pending migrations
  const variants = (oneDir, manyDir, many) => ({
    dbmate1: dbmateUp(oneDir),
    medicalcor1: medicalcorUp(oneDir),
    [`dbmate${many}`]: dbmateUp(manyDir),
    [`medicalcor${many}`]: medicalcorUp(manyDir),
  });
  const pending = await measure(variants(one, fifty, 50), true);
  const comments = await measure(variants(oneComment, manyComments, COMMENTS), true);
  // nothing pending: the 50 are applied once, then every run finds nothing to do
  await fresh();
  medicalcorUp(fifty)();
  const idle = await measure({ dbmate: dbmateUp(fifty), medicalcor: medicalcorUp(fifty) }, false);
  // structure: one counted run of each
  await fresh();
  const trips1 = await countedRun(one);
  await fresh();
  const trips50 = await countedRun(fifty);

  const over = (key, metric) => pending[`medicalcor${key}`][metric] - pending[`dbmate${key}`][metric];
  const over1 = over(1, 'wall');
  const perExtra = perExtraOf(comments.samples, 'wall', COMMENTS);
  const cpuOver1 = over(1, 'tree');
  const cpuPerExtra = perExtraOf(comments.samples, 'tree', COMMENTS);
  const perExtraTables = perExtraOf(pending.samples, 'wall');
  const row = (n) => {
    const m = pending[`medicalcor${n}`];
    const d = pending[`dbmate${n}`];
    return (
      `${`${n} pending:`.padEnd(13)}wall: dbmate ${fmt(d.wall)}, medicalcor ${fmt(m.wall)}, ` +
      `over ${fmt(m.wall - d.wall)}` +
      `   CPU (tree): dbmate ${fmt(d.tree)}, medicalcor ${fmt(m.tree)}, over ${fmt(m.tree - d.tree)}` +
      `   medicalcor's Node process ${fmt(m.node)}`
    );
  };
  const trips = (counts) =>
    Object.entries(counts)
      .map(([who, c]) => `${who}: ${c.roundTrips} round trips on ${c.connections} connection(s)`)
      .join('; ');
  console.log(
    'data: a database with 1 migration applied by medicalcor; 1 or 50 new migrations of one small table each, ' +
      `and (per extra migration) 1 or ${COMMENTS} of one comment change each`,
  );
  console.log(
    `machine load: node -e 0 ${fmt(load)} wall, ${fmt(loadCpu)} CPU (median of 5); ` +
      `load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
  console.log(row(1));
  console.log(row(50));
  const quartiles = ({ low, high }) => `${low.toFixed(2)}–${high.toFixed(2)}`;
  console.log(
    `per extra migration over dbmate (goal ≤ 0.1 ms), ${COMMENTS} comment changes, ` +
      "median of the rounds' own differences: " +
      `wall ${perExtra.median.toFixed(2)} ms (quartiles ${quartiles(perExtra)}), ` +
      `CPU ${cpuPerExtra.median.toFixed(2)} ms (quartiles ${quartiles(cpuPerExtra)}); ` +
      `50 small tables: wall ${perExtraTables.median.toFixed(2)} ms (quartiles ${quartiles(perExtraTables)})`,
  );
  console.log(
    `nothing pending (50 applied): dbmate ${fmt(idle.dbmate.wall)}   medicalcor ${fmt(idle.medicalcor.wall)}   ` +
      `over dbmate ${fmt(idle.medicalcor.wall - idle.dbmate.wall)} (goal ≤ 150 ms); ` +
      `CPU over dbmate ${fmt(idle.medicalcor.tree - idle.dbmate.tree)}`,
  );
  console.log(`round trips, 1 pending:  ${trips(trips1)}`);
  console.log(`round trips, 50 pending: ${trips(trips50)}`);
  console.log(
    `medians of ${runs} interleaved runs, fresh processes, a fresh database before each pending run` +
      (perf ? '' : ' (no perf: CPU of the process tree not measured)'),
  );
  const own = (counts) =>
    Object.entries(counts)
      .filter(([who]) => who !== 'dbmate')
      .reduce((sum, [, c]) => sum + c.roundTrips, 0);
  figure('migrate.up-1-pending-over-dbmate', over1, { unit: 'ms', goal: 200, shape: '1 small-table migration' });
  const extraShape = `${COMMENTS} one-statement migrations (a comment); median of ${runs} rounds' own differences`;
  figure('migrate.up-per-extra-migration', perExtra.median, {
    unit: 'ms',
    goal: 0.1,
    shape: `${extraShape} (quartiles ${quartiles(perExtra)})`,
  });
  figure('migrate.up-nothing-pending-over-dbmate', idle.medicalcor.wall - idle.dbmate.wall, { unit: 'ms', goal: 150 });
  if (perf) {
    figure('migrate.up-1-pending-cpu-over-dbmate', cpuOver1, { unit: 'ms CPU', goal: 200, shape: 'process tree' });
    figure('migrate.up-per-extra-migration-cpu', cpuPerExtra.median, {
      unit: 'ms CPU',
      goal: 0.1,
      shape: `process tree; ${extraShape} (quartiles ${quartiles(cpuPerExtra)})`,
    });
  }
  figure('migrate.up-round-trips-1-pending', own(trips1), { unit: 'round trips', shape: 'medicalcor sessions' });
  figure('migrate.up-round-trips-50-pending', own(trips50), { unit: 'round trips', shape: 'medicalcor sessions' });
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.end();
  rmSync(base, { recursive: true, force: true });
  rmSync(one, { recursive: true, force: true });
  rmSync(fifty, { recursive: true, force: true });
  rmSync(oneComment, { recursive: true, force: true });
  rmSync(manyComments, { recursive: true, force: true });
  rmSync(dirname(perfOut), { recursive: true, force: true });
}
