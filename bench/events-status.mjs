// Benchmark of `projections status` and `snapshots status` over a generated event store, with
// their query plans.
//
//   npm run build && node bench/events-status.mjs           # 10,000,000 events (EVENTS_BENCH_ROWS)
//
// Prints medians over EVENTS_BENCH_RUNS (default 15) of the core calls the commands make, on a warm
// pool, against `SELECT 1` on the same pool as the baseline; the whole processes against
// `medicalcor --version`; and EXPLAIN ANALYZE of each query. Goal (issue #17): <= 200 ms each at 10M.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ProjectionHealthMonitor, snapshotStatus } from '../dist/core/internal.js';
import { figure } from './lib/figures.mjs';
import { median, medianOfInterleaved, timeProcess } from './lib/measure.mjs';
import { dbUrl, prepare, rows } from './lib/event-store-data.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.EVENTS_BENCH_RUNS ?? 15);
await prepare();
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
const monitor = new ProjectionHealthMonitor(pool);

async function medianMs(work) {
  await work();
  const values = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    values.push(performance.now() - start);
  }
  return median(values);
}

const baseline = await medianMs(() => pool.query('SELECT 1'));
const projections = await medianMs(() => monitor.status());
const snapshots = await medianMs(() => snapshotStatus(pool, { interval: 10 }));
const aggregates = (await pool.query('select count(*)::int as n from aggregate_streams')).rows[0].n;
const env = { ...process.env, MEDICALCOR_DATABASE_URL: dbUrl.toString() };
const processes = medianOfInterleaved(
  {
    version: () => timeProcess('node', [`${repo}bin/medicalcor`, '--version']),
    projections: () =>
      timeProcess('node', [`${repo}bin/medicalcor`, 'projections', 'status', '-o', 'json'], { env, okStatus: [0, 3] }),
    snapshots: () =>
      timeProcess('node', [`${repo}bin/medicalcor`, 'snapshots', 'status', '--interval', '10', '-o', 'json'], {
        env,
        okStatus: [0, 3],
      }),
  },
  Math.max(3, Math.floor(runs / 3)),
);

// CPU, which depends far less on how busy the machine is: each process's own (all threads, via
// bench/lib/cpu-at-exit.cjs) and the server's for the same core call on one backend, parallel
// query off so that the backend's /proc counters hold all of it
const preload = `${repo}bench/lib/cpu-at-exit.cjs`;
function processCpuMs(args) {
  const r = spawnSync(process.execPath, ['-r', preload, `${repo}bin/medicalcor`, ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  if (![0, 3].includes(r.status)) throw new Error(`medicalcor ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(String(r.output[3]).trim().split(' ')[0]) / 1000;
}
const cpuRuns = Math.max(3, Math.floor(runs / 3));
const processCpu = Object.fromEntries(
  Object.entries({
    version: ['--version'],
    projections: ['projections', 'status', '-o', 'json'],
    snapshots: ['snapshots', 'status', '--interval', '10', '-o', 'json'],
  }).map(([name, args]) => [name, median(Array.from({ length: cpuRuns }, () => processCpuMs(args)))]),
);
const backend = new pg.Client({ connectionString: dbUrl.toString() });
await backend.connect();
await backend.query('SET max_parallel_workers_per_gather = 0');
const backendPid = (await backend.query('select pg_backend_pid() as pid')).rows[0].pid;
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const backendCpuMs = () => {
  const fields = readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
};
/** mean server CPU per call over `runs` calls (the counters tick every 10 ms) */
async function serverCpuMs(work) {
  await work();
  const before = backendCpuMs();
  for (let i = 0; i < runs; i++) await work();
  return (backendCpuMs() - before) / runs;
}
const serverCpu = {
  projections: await serverCpuMs(() => new ProjectionHealthMonitor(backend).status()),
  snapshots: await serverCpuMs(() => snapshotStatus(backend, { interval: 10 })),
};
await backend.end();

const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(
  `${rows.toLocaleString('en-US')} events, ${aggregates.toLocaleString('en-US')} aggregates, 20 projections; ` +
    `medians (load average ${load})`,
);
console.log(`  baseline: SELECT 1 on the pool              ${baseline.toFixed(1)} ms`);
console.log(`  ProjectionHealthMonitor.status() (20)       ${projections.toFixed(1)} ms`);
console.log(`  snapshotStatus() (interval 10)              ${snapshots.toFixed(1)} ms`);
console.log(`  process: medicalcor --version               ${processes.version.toFixed(1)} ms`);
console.log(`  process: projections status -o json         ${processes.projections.toFixed(1)} ms`);
console.log(`  process: snapshots status -o json           ${processes.snapshots.toFixed(1)} ms`);
console.log('  CPU (process own + server for the same call, serial):');
console.log(`  process: medicalcor --version               ${processCpu.version.toFixed(1)} ms`);
for (const name of ['projections', 'snapshots'])
  console.log(
    `  process: ${`${name} status`.padEnd(34)} ${processCpu[name].toFixed(1)} ms + ` +
      `${serverCpu[name].toFixed(1)} ms server = ${(processCpu[name] + serverCpu[name]).toFixed(1)} ms`,
  );
const shape = (what) =>
  `${rows.toLocaleString('en-US')} events, ${aggregates.toLocaleString('en-US')} aggregates, 20 projections; ` +
  `${what}, median; load ${load}`;
const round = (ms) => Number(ms.toFixed(1));
for (const f of [
  figure('events.projections-status-ms', round(processes.projections), {
    unit: 'ms',
    goal: 200,
    shape: shape('fresh process `projections status -o json`'),
  }),
  figure('events.snapshots-status-ms', round(processes.snapshots), {
    unit: 'ms',
    goal: 200,
    shape: shape('fresh process `snapshots status --interval 10 -o json`'),
  }),
  figure('events.projections-status-query-ms', round(projections), {
    unit: 'ms',
    shape: shape('ProjectionHealthMonitor.status() on a warm pool'),
  }),
  figure('events.snapshots-status-query-ms', round(snapshots), {
    unit: 'ms',
    shape: shape('snapshotStatus() on a warm pool'),
  }),
  figure('events.projections-status-cpu-ms', round(processCpu.projections + serverCpu.projections), {
    unit: 'ms',
    goal: 200,
    shape: shape('CPU of the fresh process `projections status -o json` plus the server CPU of its call'),
  }),
  figure('events.snapshots-status-cpu-ms', round(processCpu.snapshots + serverCpu.snapshots), {
    unit: 'ms',
    goal: 200,
    shape: shape('CPU of the fresh process `snapshots status` plus the server CPU of its call, parallel off'),
  }),
  figure('events.status-startup-baseline-ms', round(processes.version), {
    unit: 'ms',
    shape: shape('fresh process `medicalcor --version`, the baseline of the two above'),
  }),
])
  console.log(`  figure ${f.name} = ${f.value} ${f.unit}`);

const plan = async (label, sql, params) => {
  const { rows: lines } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) ${sql}`, params);
  console.log(`\n${label}:`);
  for (const l of lines) console.log(`  ${l['QUERY PLAN']}`);
};
await plan(
  'projections status: head and first unprocessed event per projection',
  `
  WITH head AS (SELECT coalesce(max(global_position), 0) AS head FROM domain_events)
  SELECT p.projection_name, (SELECT e.occurred_at FROM domain_events e WHERE e.global_position > p.last_position
                              ORDER BY e.global_position LIMIT 1)
    FROM projection_checkpoints p CROSS JOIN head h`,
  [],
);
await plan(
  'snapshots status: histogram per aggregate type (one pass over aggregate_streams, the events never read)',
  `SELECT aggregate_type, version - snapshot_version AS since, count(*),
          count(*) FILTER (WHERE snapshot_version = 0)
     FROM aggregate_streams GROUP BY aggregate_type, version - snapshot_version
    ORDER BY aggregate_type, version - snapshot_version`,
  [],
);
await pool.end();
