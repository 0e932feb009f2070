// Benchmark of `medicalcor events check --all` throughput over a generated event store.
//
//   npm run build && node bench/events-check.mjs            # 1,000,000 events (EVENTS_BENCH_ROWS)
//
// Prints, medians over EVENTS_BENCH_RUNS (default 3) runs, interleaved:
//   - baseline: the same keyset read of the same columns in one transaction, no validation;
//   - checkStoredEvents() from dist/core with 1 and 2 readers (what the command runs);
//   - the whole `medicalcor events check --all -o json` process.
// Goal (issue #17): >= 200k events/s validated on 2 cores.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { checkStoredEvents, platformEvents } from '../dist/core/internal.js';
import { median } from './lib/measure.mjs';
import { dbUrl, prepare, rows } from './lib/event-store-data.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.EVENTS_BENCH_RUNS ?? 3);
await prepare();
// idle connections are kept, so the server backends measured below are the ones that did the work
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4, idleTimeoutMillis: 0 });

async function rawRead() {
  const client = await pool.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let after = 0;
  let n = 0;
  for (;;) {
    const { rows: batch } = await client.query({
      text: `SELECT e.global_position::text AS pos, e.event_type, e.schema_version, e.payload FROM domain_events e
              WHERE e.global_position > $1 ORDER BY e.global_position LIMIT 5000`,
      values: [after],
      rowMode: 'array',
    });
    if (!batch.length) break;
    n += batch.length;
    after = Number(batch[batch.length - 1][0]);
  }
  await client.query('ROLLBACK');
  client.release();
  return n;
}

const registry = platformEvents();
// CPU seconds of this process and of the pool's server backends (same machine): the cost per event
// that does not depend on how busy the machine is
const warm = await Promise.all([1, 2, 3, 4].map(() => pool.connect()));
const backends = await Promise.all(
  warm.map(async (c) => (await c.query('select pg_backend_pid() as pid')).rows[0].pid),
);
warm.forEach((c) => c.release());
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const serverCpu = () =>
  backends.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {
      return sum;
    }
  }, 0);
const cpu = {};
const timed = async (name, work) => {
  const start = performance.now();
  const own = process.cpuUsage();
  const server = serverCpu();
  const n = await work();
  const used = process.cpuUsage(own);
  (cpu[name] ??= []).push({ client: (used.user + used.system) / 1e6, server: serverCpu() - server });
  return { ms: performance.now() - start, n };
};
const cases = {
  'baseline: keyset read, no validation': () => rawRead(),
  'checkStoredEvents, 1 reader': async () => (await checkStoredEvents(pool, registry, { parallel: 1 })).scanned,
  'checkStoredEvents, 2 readers': async () => (await checkStoredEvents(pool, registry, { parallel: 2 })).scanned,
  'process: events check --all -o json': async () => {
    const r = spawnSync('node', [`${repo}bin/medicalcor`, 'events', 'check', '--all', '-o', 'json'], {
      env: { ...process.env, MEDICALCOR_DATABASE_URL: dbUrl.toString() },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) throw new Error(`events check exited ${r.status}: ${r.stderr}`);
    return JSON.parse(r.stdout).scanned;
  },
};
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, work] of Object.entries(cases)) {
    const { ms, n } = await timed(name, work);
    if (n !== rows) throw new Error(`${name} read ${n} events, expected ${rows}`);
    samples[name].push(ms);
  }
}
// the validation alone, on payloads already in memory: what zod costs per event
const { rows: sample } = await pool.query({
  text: 'SELECT event_type, schema_version, payload FROM domain_events ORDER BY global_position LIMIT 100000',
  rowMode: 'array',
});
const schemas = sample.map(([type, version]) => registry.version(type, version).schema);
const zodRuns = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  let valid = 0;
  for (let i = 0; i < sample.length; i++) if (schemas[i].safeParse(sample[i][2]).success) valid++;
  zodRuns.push(performance.now() - start);
  if (valid !== sample.length) throw new Error(`only ${valid} of ${sample.length} sample payloads are valid`);
}
await pool.end();
const base = median(samples['baseline: keyset read, no validation']);
console.log(
  `events check --all over ${rows.toLocaleString('en-US')} events, medians of ${runs} runs (load average ${(await import('node:os')).loadavg()[0].toFixed(1)})`,
);
for (const [name, values] of Object.entries(samples)) {
  const ms = median(values);
  console.log(
    `  ${name.padEnd(40)} ${(ms / 1000).toFixed(2)} s  ${Math.round(rows / (ms / 1000))
      .toLocaleString('en-US')
      .padStart(9)} events/s  ×${(ms / base).toFixed(2)} of baseline`,
  );
}
for (const [name, values] of Object.entries(cpu)) {
  if (name.startsWith('process')) continue;
  const client = median(values.map((v) => v.client));
  const server = median(values.map((v) => v.server));
  const perEvent = ((client + server) / rows) * 1e6;
  // on 2 idle cores: limited by both cores' CPU, and by the client's one thread
  const idle = Math.min(2e6 / perEvent, rows / client);
  console.log(
    `  ${name.padEnd(40)} CPU ${client.toFixed(2)} s client + ${server.toFixed(2)} s server = ${perEvent.toFixed(2)} µs/event -> ${Math.round(idle).toLocaleString('en-US')} events/s on 2 idle cores`,
  );
}
const zodMs = median(zodRuns);
console.log(
  `  ${'zod safeParse alone (100k in memory)'.padEnd(40)} ${(zodMs / 1000).toFixed(2)} s  ${Math.round(
    sample.length / (zodMs / 1000),
  )
    .toLocaleString('en-US')
    .padStart(9)} events/s`,
);
