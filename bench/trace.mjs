// Benchmark of `medicalcor trace`: the database part for random correlation IDs (p50, p95) and the
// whole `trace -o json` process against `node -e 0`, with a Trigger.dev fake answering in 50 ms.
//
//   npm run build && node bench/trace.mjs
//
// Sizes (defaults are the issue's: 10M domain events, 2M integration logs, 1M LLM usage rows):
//   TRACE_BENCH_EVENTS, TRACE_BENCH_INTEGRATION, TRACE_BENCH_LLM, or --scale 0.1 for a tenth.
// Data is generated with COPY into a dedicated database (TRACE_BENCH_DB, default
// medicalcor_bench_trace on TEST_PG_URL / 127.0.0.1:5432) and kept for the next run when the
// sizes match (--fresh to regenerate). TRACE_BENCH_SAMPLES (200) and TRACE_BENCH_RUNS (15).
// Figures (bench/lib/figures.mjs): trace.process-ratio (wall, x node -e 0), trace.process-cpu-ratio
// (CPU of the process, user + system, x node -e 0's), trace.db-p50-ms, trace.db-p95-ms,
// trace.failed-window-ms. CPU is what waited-for children add to this process's cutime/cstime
// (/proc/self/stat, 10 ms ticks), averaged over the runs: on a loaded machine it moves far less
// than wall time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { figure } from './lib/figures.mjs';
import { median, percentile } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const scale = Number(args[args.indexOf('--scale') + 1] ?? 1) || 1;
const fresh = args.includes('--fresh');
const sizes = {
  events: Number(process.env.TRACE_BENCH_EVENTS ?? Math.round(10_000_000 * scale)),
  integration: Number(process.env.TRACE_BENCH_INTEGRATION ?? Math.round(2_000_000 * scale)),
  llm: Number(process.env.TRACE_BENCH_LLM ?? Math.round(1_000_000 * scale)),
};
const samples = Number(process.env.TRACE_BENCH_SAMPLES ?? 200);
const processRuns = Number(process.env.TRACE_BENCH_RUNS ?? 15);
const dbName = process.env.TRACE_BENCH_DB ?? 'medicalcor_bench_trace';
const server = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const dbUrl = new URL(server);
dbUrl.pathname = `/${dbName}`;
dbUrl.searchParams.set('sslmode', 'disable');

// ~10 events, 2 integration calls and 1 LLM call per journey, as in the platform
const journeys = Math.max(1, Math.round(sizes.events / 10));
const corr = (n) => `bench-${n.toString(36).padStart(5, '0')}`;
// consecutive rows belong to journeys far apart, so a journey's rows are spread over the table
// the way interleaved traffic spreads them (no free locality for the benchmark)
const STRIDE = 7919;
const journeyOf = (row) => (row * STRIDE) % journeys;
const T0 = Date.parse('2025-01-01T00:00:00Z');
const EVENT_TYPES = [
  'LeadCreated',
  'LeadScored',
  'MessageReceived',
  'MessageSent',
  'ConsentGiven',
  'AppointmentRequested',
  'AppointmentBooked',
  'LeadSyncFailed',
  'ReminderSent',
  'LeadQualified',
];

const log = (text) => process.stderr.write(`${text}\n`);

async function admin(sql) {
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Streams generated rows into `COPY table (columns) FROM STDIN` through psql (text format). */
function copyRows(table, columns, count, line) {
  return new Promise((resolve, reject) => {
    const psql = spawn(
      'psql',
      [dbUrl.toString(), '-v', 'ON_ERROR_STOP=1', '-q', '-c', `COPY ${table} (${columns.join(', ')}) FROM STDIN`],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    psql.stderr.on('data', (d) => (stderr += d));
    psql.on('error', reject);
    psql.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`COPY ${table} failed: ${stderr}`))));
    let row = 0;
    const write = () => {
      while (row < count) {
        let chunk = '';
        for (let i = 0; i < 5_000 && row < count; i++, row++) chunk += line(row);
        if (!psql.stdin.write(chunk)) return psql.stdin.once('drain', write);
      }
      psql.stdin.end();
    };
    write();
  });
}

async function generate(pool) {
  log(
    `generating ${sizes.events} domain events, ${sizes.integration} integration logs, ` +
      `${sizes.llm} LLM usage rows in ${dbName} ...`,
  );
  const started = performance.now();
  // secondary indexes are built once after the load instead of row by row
  const tables = ['domain_events', 'integration_logs', 'llm_usage_logs'];
  const { rows: indexes } = await pool.query(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  for (const index of indexes) await pool.query(`DROP INDEX ${index.name}`);
  const eventsPerJourney = new Uint16Array(journeys);
  await Promise.all([
    // the type varies with the journey and the event's version: (row + j) was constant whenever
    // the journey count is a multiple of 10 (row * 7920 mod 10), so no failure event existed
    copyRows(
      'domain_events',
      ['aggregate_id', 'aggregate_type', 'version', 'event_type', 'payload', 'correlation_id', 'occurred_at'],
      sizes.events,
      (row) => {
        const j = journeyOf(row);
        const version = ++eventsPerJourney[j];
        const at = new Date(T0 + row * 30).toISOString();
        const type = EVENT_TYPES[(version * 3 + j) % EVENT_TYPES.length];
        const phone = `+4071${String(j % 10_000_000).padStart(7, '0')}`;
        const payload = `{"score": ${row % 100}, "channel": "whatsapp", "phone": "${phone}"}`;
        return `lead-${j}\tLead\t${version}\t${type}\t${payload}\t${corr(j)}\t${at}\n`;
      },
    ),
    copyRows(
      'integration_logs',
      ['service', 'direction', 'operation', 'correlation_id', 'status', 'http_status', 'duration_ms', 'occurred_at'],
      sizes.integration,
      (row) => {
        const j = journeyOf(row) % journeys;
        const ok = row % 50 !== 0;
        const at = new Date(T0 + row * 150).toISOString();
        const outcome = `${ok ? 'success' : 'failure'}\t${ok ? 200 : 502}`;
        return `hubspot\toutbound\tupsertContact\t${corr(j)}\t${outcome}\t${100 + (row % 900)}\t${at}\n`;
      },
    ),
    copyRows(
      'llm_usage_logs',
      [
        'provider',
        'model',
        'operation',
        'tenant_id',
        'input_tokens',
        'output_tokens',
        'cost_usd',
        'correlation_id',
        'latency_ms',
        'occurred_at',
      ],
      sizes.llm,
      (row) => {
        const j = journeyOf(row) % journeys;
        const at = new Date(T0 + row * 300).toISOString();
        const tokens = '1200\t90\t0.0041';
        return `openai\tgpt-4o\tscore_lead\tclinic-${row % 40}\t${tokens}\t${corr(j)}\t${400 + (row % 800)}\t${at}\n`;
      },
    ),
  ]);
  log(`  copied in ${((performance.now() - started) / 1000).toFixed(0)} s; building ${indexes.length} indexes ...`);
  await Promise.all(indexes.map((index) => pool.query(index.def)));
  await pool.query('VACUUM ANALYZE domain_events');
  await pool.query('VACUUM ANALYZE integration_logs');
  await pool.query('VACUUM ANALYZE llm_usage_logs');
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_trace_sizes (events bigint, integration bigint, llm bigint)`);
  await pool.query('TRUNCATE bench_trace_sizes');
  await pool.query('INSERT INTO bench_trace_sizes VALUES ($1, $2, $3)', [sizes.events, sizes.integration, sizes.llm]);
  log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** Applies the schema's pending migrations to the bench database (dbmate, as the CLI ships it). */
function migrate() {
  const dbmate = `${repo}node_modules/@dbmate/${process.platform}-${process.arch}/bin/dbmate`;
  const applied = spawnSync(dbmate, ['--migrations-dir', `${repo}src/migrations`, '--no-dump-schema', 'migrate'], {
    env: { DATABASE_URL: dbUrl.toString() },
    encoding: 'utf8',
  });
  if (applied.status !== 0) throw new Error(`dbmate failed: ${applied.stderr}`);
}

async function prepare() {
  const exists = (await admin(`SELECT 1 FROM pg_database WHERE datname = '${dbName}'`)).rowCount > 0;
  if (exists && !fresh) {
    const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
    const found = await pool
      .query('SELECT events, integration, llm FROM bench_trace_sizes')
      .catch(() => ({ rows: [] }));
    const row = found.rows[0];
    if (
      row &&
      Number(row.events) === sizes.events &&
      Number(row.integration) === sizes.integration &&
      Number(row.llm) === sizes.llm
    ) {
      log(`reusing ${dbName} (same sizes; --fresh to regenerate)`);
      // migrations added since the data was generated (a new index, say) apply to the kept data too
      migrate();
      return pool;
    }
    await pool.end();
  }
  if (exists) await admin(`DROP DATABASE ${dbName} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${dbName}`);
  migrate();
  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 4 });
  await generate(pool);
  return pool;
}

/** A Trigger.dev stand-in that answers every request after 50 ms with a valid, small page. */
async function startSlowTrigger(delayMs) {
  const run = (id, tag) => ({
    id,
    status: 'COMPLETED',
    taskIdentifier: 'sync-hubspot',
    isQueued: false,
    isExecuting: false,
    isWaiting: false,
    isCompleted: true,
    isSuccess: true,
    isFailed: false,
    isCancelled: false,
    isTest: false,
    createdAt: '2025-01-01T00:00:01.000Z',
    updatedAt: '2025-01-01T00:00:02.000Z',
    startedAt: '2025-01-01T00:00:01.100Z',
    finishedAt: '2025-01-01T00:00:02.000Z',
    tags: [tag],
    costInCents: 0.003,
    baseCostInCents: 0.0025,
    durationMs: 900,
    env: { id: 'env_bench', name: 'prod' },
  });
  const http = createServer((req, res) => {
    setTimeout(() => {
      const url = new URL(req.url, 'http://bench');
      const tag = url.searchParams.get('filter[tag]') ?? 'corr_x';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [run(`run_${tag}_1`, tag), run(`run_${tag}_2`, tag)], pagination: {} }));
    }, delayMs);
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}`,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(resolve);
      }),
  };
}

/** CPU (user + system, ms) of this process's waited-for children so far; undefined off Linux. */
const ticksPerMs = 100 / 1000; // USER_HZ, 100 on Linux
function childrenCpuMs() {
  if (!existsSync('/proc/self/stat')) return undefined;
  // fields after the command name (which may hold spaces): state is field 3, cutime 16, cstime 17
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerMs;
}

/**
 * Wall and CPU time of one process; asynchronous, so the in-process Trigger.dev fake keeps
 * answering meanwhile. The CPU is read once the child is reaped ('close' comes after 'exit').
 */
function run(command, argv, env) {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const start = performance.now();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - start;
      const cpuAfter = childrenCpuMs();
      const cpu = cpuBefore === undefined ? undefined : cpuAfter - cpuBefore;
      if (![0, 3].includes(code)) reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ elapsed, cpu, stdout });
    });
  });
}

const prepared = await prepare();
await prepared.end();
// sized like the CLI's read pool: one connection per database source, read-only sessions
const pool = new pg.Pool({
  connectionString: dbUrl.toString(),
  max: 5,
  options: '-c default_transaction_read_only=on',
});
const { traceJourney } = await import(`${repo}dist/core/internal.js`);
const pick = () => corr(Math.floor(Math.random() * journeys));

// 1. the database part, in process, on a warm pool (as a service or a long-lived CLI would)
const skipTrigger = { skipped: 'bench: database part only' };
for (let i = 0; i < 20; i++)
  await traceJourney(
    { database: { pool }, trigger: skipTrigger },
    { correlationId: pick(), since: new Date(0), timeoutMs: 10_000, limit: 1000 },
  );
const dbTimes = [];
let items = 0;
const dbCpuBefore = process.cpuUsage();
for (let i = 0; i < samples; i++) {
  const started = performance.now();
  const trace = await traceJourney(
    { database: { pool }, trigger: skipTrigger },
    { correlationId: pick(), since: new Date(0), timeoutMs: 10_000, limit: 1000 },
  );
  dbTimes.push(performance.now() - started);
  items += trace.items.length;
  if (trace.partial) throw new Error(`a source failed: ${JSON.stringify(trace.sources)}`);
}
const dbCpu = process.cpuUsage(dbCpuBefore);
const dbCpuPerTrace = (dbCpu.user + dbCpu.system) / 1000 / samples;
// `trace --failed` over the last hour of the generated traffic
const { listFailedJourneys } = await import(`${repo}dist/core/internal.js`);
const dataEnd = T0 + sizes.events * 30;
const failedTimes = [];
let failedJourneys = 0;
for (let i = 0; i < 11; i++) {
  const started = performance.now();
  const report = await listFailedJourneys(
    { database: { pool }, trigger: skipTrigger },
    { since: new Date(dataEnd - 3_600_000), timeoutMs: 30_000, limit: 1000 },
  );
  failedTimes.push(performance.now() - started);
  failedJourneys = report.journeys.length;
}
// the plans of one journey's domain-events statement (page + whole-journey verdict, one round trip)
// and of the --failed window query: both are index range scans whose cost grows with the journey
// (or the window), not with the table, which is how the figures extrapolate to 100M events
const explain = (sql, params) => pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${sql}`, params);
const FAILURE = "event_type ~* '(fail(ed|ure)?|error|rejected|timed_?out|dead_?lettered)$'";
const plan = await explain(
  `WITH page AS (SELECT *, 1 AS __one FROM domain_events WHERE correlation_id = $1
                 ORDER BY occurred_at, global_position LIMIT 1001),
  verdict AS (SELECT count(*) AS failures, min(occurred_at) AS first_failure_at FROM domain_events
               WHERE correlation_id = $1 AND ${FAILURE})
  SELECT page.*, verdict.* FROM verdict LEFT JOIN page ON true ORDER BY page.occurred_at, page.global_position`,
  [pick()],
);
const failedPlan = await explain(
  `SELECT correlation_id, occurred_at, event_type, payload FROM domain_events
  WHERE ${FAILURE} AND occurred_at >= $1 AND correlation_id IS NOT NULL ORDER BY occurred_at DESC LIMIT 1001`,
  [new Date(dataEnd - 3_600_000)],
);
await pool.end();

// 2. the whole process: `trace ID -o json` against `node -e 0`, Trigger.dev answering in 50 ms
const trigger = await startSlowTrigger(50);
const env = {
  ...process.env,
  NO_COLOR: '1',
  MEDICALCOR_DATABASE_URL: dbUrl.toString(),
  MEDICALCOR_TRIGGER_URL: trigger.url,
  TRIGGER_SECRET_KEY: 'tr_bench_0123456789abcdef',
};
const bin = `${repo}bin/medicalcor`;
const probe = JSON.parse((await run('node', [bin, 'trace', pick(), '-o', 'json'], env)).stdout);
if (probe.sources.some((s) => s.state !== 'ok'))
  throw new Error(`trace did not read every source: ${JSON.stringify(probe.sources)}`);
await run('node', ['-e', '0'], env);
const traceRuns = [];
const nodeRuns = [];
for (let i = 0; i < processRuns; i++) {
  nodeRuns.push(await run('node', ['-e', '0'], env));
  traceRuns.push(await run('node', [bin, 'trace', pick(), '-o', 'json'], env));
}
const traceWall = traceRuns.map((r) => r.elapsed);
const nodeWall = nodeRuns.map((r) => r.elapsed);
// CPU in 10 ms ticks: the mean over the runs is finer than any one run
const meanCpu = (runs) =>
  runs[0].cpu === undefined ? undefined : runs.reduce((sum, r) => sum + r.cpu, 0) / runs.length;
const traceCpu = meanCpu(traceRuns);
const nodeCpu = meanCpu(nodeRuns);
await trigger.close();

const ms = (v) => `${v.toFixed(1)} ms`;
const shape =
  `${sizes.events} domain events, ${sizes.integration} integration logs, ${sizes.llm} LLM usage rows, ` +
  `${journeys} journeys (${(items / samples).toFixed(1)} items each, spread over the tables)`;
const processRatio = median(traceWall) / median(nodeWall);
const cpuRatio = traceCpu === undefined ? undefined : traceCpu / nodeCpu;
const failedMs = median(failedTimes.slice(1));
console.log(
  `trace bench: ${sizes.events} domain events, ${sizes.integration} integration logs, ` +
    `${sizes.llm} LLM usage rows (${journeys} journeys)`,
);
console.log(
  `database part (5 tables in parallel, warm pool, ${samples} random correlation IDs, ` +
    `${(items / samples).toFixed(1)} items each): ` +
    `p50 ${ms(median(dbTimes))}, p95 ${ms(percentile(dbTimes, 95))}, client CPU ${ms(dbCpuPerTrace)} per trace ` +
    '(goal p50 <= 5 ms at 100M events)',
);
console.log(
  `whole process, median of ${processRuns}: trace -o json ${ms(median(traceWall))}, ` +
    `node -e 0 ${ms(median(nodeWall))}, ` +
    `ratio ${processRatio.toFixed(2)}x (Trigger.dev fake answering in 50 ms; goal <= 3x)`,
);
if (cpuRatio !== undefined)
  console.log(
    `whole process CPU (user + system), mean of ${processRuns}: trace -o json ${ms(traceCpu)}, ` +
      `node -e 0 ${ms(nodeCpu)}, ` +
      `ratio ${cpuRatio.toFixed(2)}x`,
  );
console.log(
  `trace --failed over the last hour of traffic (${failedJourneys} journeys, --limit 1000 per source), ` +
    `median of ${failedTimes.length - 1}: ${ms(failedMs)}`,
);
const processShape = `${shape}; trace ID -o json, Trigger.dev fake answering in 50 ms, PostgreSQL on loopback`;
figure('trace.process-ratio', processRatio, { unit: '× node -e 0', goal: 3, shape: `${processShape}; wall, median` });
if (cpuRatio !== undefined)
  figure('trace.process-cpu-ratio', cpuRatio, {
    unit: '× node -e 0 CPU',
    goal: 3,
    shape: `${processShape}; user + system CPU, mean`,
  });
const dbShape = `${shape}; traceJourney in process, 5 database sources in parallel, warm pool of 5, random IDs`;
figure('trace.db-p50-ms', median(dbTimes), { unit: 'ms', goal: 5, shape: dbShape });
figure('trace.db-p95-ms', percentile(dbTimes, 95), { unit: 'ms', shape: dbShape });
figure('trace.failed-window-ms', failedMs, {
  unit: 'ms',
  shape: `${shape}; --failed over the last hour (${failedJourneys} journeys), --limit 1000 per source, median`,
});
if (args.includes('--plan')) {
  console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  console.log(failedPlan.rows.map((r) => r['QUERY PLAN']).join('\n'));
}
