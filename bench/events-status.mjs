// Benchmark of `projections status` and `snapshots status` over a generated event store, with
// their query plans (the basis of the extrapolation to 10M events in bench/README.md).
//
//   npm run build && node bench/events-status.mjs           # 1,000,000 events (EVENTS_BENCH_ROWS)
//
// Prints medians over EVENTS_BENCH_RUNS (default 15) of the core calls the commands make, on a warm
// pool, against `SELECT 1` on the same pool as the baseline; the whole processes against
// `medicalcor --version`; and EXPLAIN ANALYZE of each query. Goal (issue #17): <= 200 ms each at 10M.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ProjectionHealthMonitor, snapshotStatus } from '../dist/core/internal.js';
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

const os = await import('node:os');
console.log(
  `${rows.toLocaleString('en-US')} events, ${aggregates.toLocaleString('en-US')} aggregates, 20 projections; medians (load average ${os.loadavg()[0].toFixed(1)})`,
);
console.log(`  baseline: SELECT 1 on the pool              ${baseline.toFixed(1)} ms`);
console.log(`  ProjectionHealthMonitor.status() (20)       ${projections.toFixed(1)} ms`);
console.log(`  snapshotStatus() (interval 10)              ${snapshots.toFixed(1)} ms`);
console.log(`  process: medicalcor --version               ${processes.version.toFixed(1)} ms`);
console.log(`  process: projections status -o json         ${processes.projections.toFixed(1)} ms`);
console.log(`  process: snapshots status -o json           ${processes.snapshots.toFixed(1)} ms`);

const plan = async (label, sql, params) => {
  const { rows: lines } = await pool.query(`EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) ${sql}`, params);
  console.log(`\n${label}:`);
  for (const l of lines) console.log(`  ${l['QUERY PLAN']}`);
};
await plan(
  'projections status: head and first unprocessed event per projection',
  `
  WITH head AS (SELECT coalesce(max(global_position), 0) AS head FROM domain_events)
  SELECT p.projection_name, (SELECT e.occurred_at FROM domain_events e WHERE e.global_position > p.last_position ORDER BY e.global_position LIMIT 1)
    FROM projection_checkpoints p CROSS JOIN head h`,
  [],
);
await plan(
  'snapshots status: histogram per aggregate type (one pass over the index, no sort)',
  `SELECT aggregate_type, version - snapshot_version AS since, count(*), count(*) FILTER (WHERE snapshot_version = 0)
     FROM aggregate_streams GROUP BY aggregate_type, version - snapshot_version
    ORDER BY aggregate_type, version - snapshot_version`,
  [],
);
await pool.end();
