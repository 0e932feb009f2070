// Benchmark of `medicalcor events check --all` throughput over a generated event store.
//
//   npm run build && node bench/events-check.mjs            # 10,000,000 events (EVENTS_BENCH_ROWS)
//
// Prints, medians over EVENTS_BENCH_RUNS (default 3) runs, interleaved:
//   - baseline: the check's own keyset read (one COPY per 5,000 events) in one read-only
//     transaction, every row cut into its fields, no validation;
//   - reference: the same keyset read as a query with rows as arrays (pg's row parsing), no validation;
//   - checkStoredEvents() from dist/core with 1 and 2 readers (what the command runs);
//   - the whole `medicalcor events check --all -o json` process, as a user runs it;
// then the CPU seconds of each (this process, or the child's own via bench/lib/cpu-at-exit.cjs, and
// the PostgreSQL backends that served it, from /proc), the load-independent figure on a busy machine.
// Goal (issue #17): >= 200k events/s validated on 2 cores.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { checkStoredEvents, copyEventRows, PayloadChecker, platformEvents } from '../dist/core/internal.js';
import { figure } from './lib/figures.mjs';
import { median } from './lib/measure.mjs';
import { dbUrl, prepare, rows } from './lib/event-store-data.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.EVENTS_BENCH_RUNS ?? 3);
const BATCH = 5_000;
await prepare();
// idle connections are kept, so the server backends measured below are the ones that did the work
const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4, idleTimeoutMillis: 0 });

/** Every event in keyset batches inside one read-only transaction; `batch(client, after)` reads one. */
async function keysetRead(batch) {
  const client = await pool.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let after = 0;
  let n = 0;
  for (;;) {
    const read = await batch(client, after);
    n += read.rows;
    if (read.rows < BATCH) break;
    after = read.last;
  }
  await client.query('ROLLBACK');
  client.release();
  return n;
}
const copyBatch = (client, after) =>
  copyEventRows(
    client,
    `SELECT e.global_position, e.event_type, e.schema_version, e.payload FROM domain_events e
      WHERE e.global_position > ${after} ORDER BY e.global_position LIMIT ${BATCH}`,
    () => {},
  );
const queryBatch = async (client, after) => {
  const { rows: batch } = await client.query({
    text: `SELECT e.global_position::text AS pos, e.event_type, e.schema_version, e.payload FROM domain_events e
            WHERE e.global_position > $1 ORDER BY e.global_position LIMIT ${BATCH}`,
    values: [after],
    rowMode: 'array',
  });
  return { rows: batch.length, last: batch.length ? Number(batch[batch.length - 1][0]) : after };
};

const registry = platformEvents();
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

const PROCESS = 'process: events check --all -o json';
const preload = `${repo}bench/lib/cpu-at-exit.cjs`;
function checkProcess() {
  const r = spawnSync(
    process.execPath,
    ['-r', preload, `${repo}bin/medicalcor`, 'events', 'check', '--all', '-o', 'json'],
    {
      env: { ...process.env, MEDICALCOR_DATABASE_URL: dbUrl.toString() },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0) throw new Error(`events check exited ${r.status}: ${r.stderr}`);
  return { n: JSON.parse(r.stdout).scanned, client: Number(String(r.output[3]).trim().split(' ')[0]) / 1e6 };
}

const allCases = {
  'baseline: keyset read with COPY, no validation': () => keysetRead(copyBatch),
  'reference: keyset query, rows as arrays': () => keysetRead(queryBatch),
  'checkStoredEvents, 1 reader': async () => (await checkStoredEvents(pool, registry, { parallel: 1 })).scanned,
  'checkStoredEvents, 2 readers': async () => (await checkStoredEvents(pool, registry, { parallel: 2 })).scanned,
  [PROCESS]: async () => checkProcess(),
};
// EVENTS_BENCH_SKIP=reference,2 readers leaves out the cases whose names contain one of those words
// (on a loaded machine a pass over 10M events takes minutes); the baseline, the 1-reader check and
// the process are always run
const skip = (process.env.EVENTS_BENCH_SKIP ?? '').split(',').filter(Boolean);
const kept = ['baseline', '1 reader', 'process'];
const cases = Object.fromEntries(
  Object.entries(allCases).filter(
    ([name]) => kept.some((k) => name.includes(k)) || !skip.some((s) => name.includes(s)),
  ),
);
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [name, work] of Object.entries(cases)) {
    const start = performance.now();
    const own = process.cpuUsage();
    const server = serverCpu();
    const result = await work();
    const ms = performance.now() - start;
    const used = process.cpuUsage(own);
    const n = typeof result === 'number' ? result : result.n;
    if (n !== rows) throw new Error(`${name} read ${n} events, expected ${rows}`);
    samples[name].push(ms);
    // the child's backend is not one of the pool's: its server CPU is taken from the same queries in-process
    const spent = {
      client: typeof result === 'number' ? (used.user + used.system) / 1e6 : result.client,
      server: typeof result === 'number' ? serverCpu() - server : undefined,
    };
    cpu[name].push(spent);
    // as it goes: a run over 10M events on a busy machine is long
    console.error(
      `  run ${i + 1}: ${name}: ${(ms / 1000).toFixed(1)} s, CPU ${spent.client.toFixed(2)} s client` +
        (spent.server === undefined ? '' : ` + ${spent.server.toFixed(2)} s server`),
    );
  }
}

// the validation alone, on payloads already in memory: JSON.parse and zod per event
const { rows: sample } = await pool.query({
  text: `SELECT global_position, event_type, schema_version, payload::text FROM domain_events
          ORDER BY global_position LIMIT 100000`,
  rowMode: 'array',
});
const validateRuns = [];
for (let r = 0; r < 5; r++) {
  const checker = new PayloadChecker(registry);
  const own = process.cpuUsage();
  for (const [position, type, version, payload] of sample) checker.check(Number(position), type, version, payload);
  const used = process.cpuUsage(own);
  validateRuns.push((used.user + used.system) / 1e6);
  if (checker.reports().some((report) => report.invalid > 0)) throw new Error('the sample payloads must be valid');
}
const payloadBytes = Math.round(sample.reduce((sum, row) => sum + Buffer.byteLength(row[3]), 0) / sample.length);
await pool.end();

const load = loadavg()[0].toFixed(1);
const base = median(samples['baseline: keyset read with COPY, no validation']);
console.log(
  `events check --all over ${rows.toLocaleString('en-US')} events (payload ~${payloadBytes} bytes), ` +
    `medians of ${runs} runs (load average ${load})`,
);
const perSecond = (seconds) => Math.round(rows / seconds);
for (const [name, values] of Object.entries(samples)) {
  const ms = median(values);
  console.log(
    `  ${name.padEnd(48)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${perSecond(ms / 1000)
      .toLocaleString('en-US')
      .padStart(9)} events/s  ×${(ms / base).toFixed(2)} of baseline`,
  );
}
const inProcessServer = median(cpu['checkStoredEvents, 1 reader'].map((v) => v.server));
const cpuOf = (name) => {
  const client = median(cpu[name].map((v) => v.client));
  const server = name === PROCESS ? inProcessServer : median(cpu[name].map((v) => v.server));
  const perEvent = ((client + server) / rows) * 1e6;
  // on 2 idle cores: bounded by both cores' CPU, and by the client's one JavaScript thread
  return { client, server, perEvent, idle: Math.min(2e6 / perEvent, rows / client) };
};
console.log(
  '  CPU: client (this process, or the child, all threads) + server (the backends that served it) -> ' +
    'events/s on 2 idle cores = min(2 cores / CPU per event, 1 / client CPU per event)',
);
for (const name of Object.keys(cases)) {
  const c = cpuOf(name);
  console.log(
    `  ${name.padEnd(48)} ${c.client.toFixed(2).padStart(6)} s + ${c.server.toFixed(2).padStart(5)} s = ` +
      `${c.perEvent.toFixed(2)} µs/event (client ${((c.client / rows) * 1e6).toFixed(2)}) -> ` +
      `${Math.round(c.idle).toLocaleString('en-US')} events/s`,
  );
}
console.log(`  (the process's server CPU is that of checkStoredEvents, 1 reader: the same statements)`);
const validateS = median(validateRuns);
console.log(
  `  ${'validation alone (JSON.parse + zod, 100k in memory)'.padEnd(48)} ` +
    `${((validateS / sample.length) * 1e6).toFixed(2)} µs/event CPU`,
);

const shape =
  `${rows.toLocaleString('en-US')} events, 9 types, payload ~${payloadBytes} B, 20 events per aggregate; ` +
  `fresh process \`events check --all -o json\`, median of ${runs}, load ${load}`;
const processCpu = cpuOf(PROCESS);
const check = cpuOf('checkStoredEvents, 1 reader');
const read = cpuOf('baseline: keyset read with COPY, no validation');
for (const f of [
  figure('events.check-throughput-events-per-s', perSecond(median(samples[PROCESS]) / 1000), {
    unit: 'events/s',
    goal: 200_000,
    better: 'higher',
    shape,
  }),
  figure('events.check-cpu-throughput-events-per-s', Math.round(processCpu.idle), {
    unit: 'events/s',
    goal: 200_000,
    better: 'higher',
    shape: `${shape}; from CPU: min(2 cores / (client + server CPU per event), 1 / client CPU per event)`,
  }),
  figure('events.check-client-cpu-us-per-event', Number(((processCpu.client / rows) * 1e6).toFixed(2)), {
    unit: 'µs',
    goal: 3,
    better: 'lower',
    shape: `${shape}; the process's own CPU (all threads, start-up included) per event`,
  }),
  figure('events.check-cpu-vs-read', Number((check.perEvent / read.perEvent).toFixed(2)), {
    unit: '×',
    better: 'lower',
    shape: `${shape}; CPU (client + server) of checkStoredEvents over the same COPY read without validation`,
  }),
])
  console.log(`  figure ${f.name} = ${f.value.toLocaleString('en-US')} ${f.unit}`);
