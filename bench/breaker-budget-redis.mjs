// The guarantees of issue #10 have a price; this measures it, imported from the built package entry
// (dist/core/internal.js) as the services use it, against a real Redis on loopback.
//
//   npm run build && node bench/breaker-budget-redis.mjs
//
// Prints medians over BB_BENCH_RUNS runs (default 5), each run in a fresh child process:
//   - guarded-call overhead on the closed path: execute(noop) p50 minus noop p50 (goal p50 <= 1 µs)
//   - the paths that must touch Redis, p50 of one call (goal p50 <= 0.5 ms): recording a failure,
//     a half-open trial claim (claimed and refused), a budget reservation (reserve + release)
//   - reservation throughput: 50 concurrent callers, reserve + settle-less release, calls per second
//   - staleness: how long until another process's copy shows a transition made elsewhere (pub/sub),
//     p50 and max over BB_BENCH_FLIPS transitions (goal max <= 100 ms)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { figure } from './lib/figures.mjs';
import { median } from './lib/measure.mjs';

const runs = Number(process.env.BB_BENCH_RUNS ?? 5);
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === 'child') {
  const { performance } = await import('node:perf_hooks');
  const core = await import('../dist/core/internal.js');
  const { percentile } = await import('./lib/measure.mjs');
  const pg = (await import('pg')).default;
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `mcbench:bb:${randomBytes(4).toString('hex')}:`;
  const open = async () => {
    const r = core.createRedisClient(url, { commandTimeoutMs: 5_000 });
    await r.connect();
    return r;
  };
  const redis = await open();
  const us = async (n, call) => {
    const times = new Array(n);
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await call();
      times[i] = (performance.now() - start) * 1000;
    }
    return percentile(times, 50);
  };
  const noop = async () => 1;
  const shared = new core.SharedBreakers({ redis, keyPrefix: prefix, instanceId: 'bench' });
  const closed = await shared.breaker('closed', { failureThreshold: 1e9 });
  await us(5_000, noop);
  await us(5_000, () => closed.execute(noop));
  const base = await us(50_000, noop);
  const guarded = await us(50_000, () => closed.execute(noop));

  const failing = await shared.breaker('failing', { failureThreshold: 1e9 });
  const boom = () => Promise.reject(new Error('boom'));
  await us(200, () => failing.execute(boom).catch(() => {}));
  const failure = await us(2_000, () => failing.execute(boom).catch(() => {}));

  // half-open with one lease held: every further call is a claim refused by the script
  const store = shared.store;
  await store.setThresholds(
    'trial',
    { failureThreshold: 1, successThreshold: 1e6, resetTimeoutMs: 600_000, halfOpenMaxCalls: 1 },
    { actor: 'bench' },
  );
  const trial = await shared.breaker('trial');
  await store.forceOpen('trial', { forMs: 1, reason: 'bench', actor: 'bench' });
  await new Promise((r) => setTimeout(r, 20));
  let release;
  const holder = trial.execute(
    () =>
      new Promise((r) => {
        release = r;
      }),
  );
  await new Promise((r) => setTimeout(r, 20));
  const refusedClaim = await us(2_000, () => trial.execute(noop).catch(() => {}));
  release();
  await holder;
  // a claim that is granted: successes keep it half-open (success threshold 1e6)
  const grantedClaim = await us(2_000, () => trial.execute(noop));

  // budget reservations need the ledger only for settle: reserve + release touch Redis alone
  const pool = new pg.Pool({
    connectionString: process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  });
  const budget = new core.BudgetController({ redis, pool, keyPrefix: prefix });
  await core.mirrorLimits(
    { redis, keyPrefix: prefix },
    [{ scope: 'tenant', tenant: 'clinic', period: 'daily', limitUsd: 1e6, hardStop: true }],
    true,
  );
  const request = {
    provider: 'openai',
    model: 'gpt-4o',
    operation: 'x',
    tenant: 'clinic',
    user: 'u1',
    tier: 'enterprise',
    estimatedInputTokens: 100,
  };
  await us(200, async () => budget.release(await budget.reserve(request)));
  const reserveOnly = await us(2_000, () => budget.reserve(request));
  const reserveRelease = await us(2_000, async () => budget.release(await budget.reserve(request)));

  const clients = await Promise.all(Array.from({ length: 50 }, () => open()));
  const callers = clients.map((r) => new core.BudgetController({ redis: r, pool, keyPrefix: prefix }));
  const until = performance.now() + 2_000;
  let done = 0;
  await Promise.all(
    callers.map(async (c) => {
      while (performance.now() < until) {
        await c.release(await c.reserve(request));
        done += 1;
      }
    }),
  );
  const throughput = done / 2;

  // staleness: another process's (here another connection's) copy after a transition made elsewhere
  const other = new core.SharedBreakers({ redis: await open(), keyPrefix: prefix, instanceId: 'other' });
  const watched = await other.breaker('flip');
  await shared.breaker('flip');
  const lags = [];
  const flips = Number(process.env.BB_BENCH_FLIPS ?? 50);
  for (let i = 0; i < flips; i++) {
    const want = i % 2 === 0 ? 'open' : 'closed';
    const start = performance.now();
    if (want === 'open') await store.forceOpen('flip', { forMs: 60_000, reason: 'bench', actor: 'bench' });
    else await store.reset('flip', { actor: 'bench' });
    while (watched.view.state !== want) await new Promise((r) => setImmediate(r));
    lags.push(performance.now() - start);
  }
  const staleness = { p50: percentile(lags, 50), max: Math.max(...lags) };

  await shared.close();
  await other.close();
  for (const c of clients) c.disconnect();
  await core.scanKeys(redis, `${prefix}*`).then((keys) => Promise.all(keys.map((k) => redis.del(k))));
  redis.disconnect();
  await pool.end();
  process.stdout.write(
    JSON.stringify({
      base,
      guarded,
      failure,
      refusedClaim,
      grantedClaim,
      reserveOnly,
      reserveRelease,
      throughput,
      staleness,
    }),
  );
  process.exit(0);
}

const results = [];
for (let i = 0; i < runs; i++) {
  const run = spawnSync(process.execPath, [self, 'child'], { encoding: 'utf8', env: process.env });
  if (run.status !== 0) throw new Error(run.stderr);
  results.push(JSON.parse(run.stdout));
}
const m = (pick) => median(results.map(pick));
const node0 = median(
  Array.from({ length: 5 }, () => {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - start;
  }),
);
const overhead = m((r) => r.guarded - r.base);
const ms = (v) => `${(v / 1000).toFixed(3)} ms`;
const verdict = (ok) => (ok ? 'met' : 'NOT met');
const p50 = {
  failure: m((r) => r.failure) / 1000,
  grantedClaim: m((r) => r.grantedClaim) / 1000,
  refusedClaim: m((r) => r.refusedClaim) / 1000,
  reserveOnly: m((r) => r.reserveOnly) / 1000,
};
const staleMax = m((r) => r.staleness.max);
const goal = (value, limit, unit) => `(goal <= ${limit} ${unit}: ${verdict(value <= limit)})`;
console.log(`breaker + budget Redis paths, medians of ${runs} fresh processes`);
console.log(`  machine load: node -e 0 = ${node0.toFixed(1)} ms`);
console.log(
  `  closed path: noop ${m((r) => r.base).toFixed(2)} µs, execute(noop) ${m((r) => r.guarded).toFixed(2)} µs`,
);
console.log(`  closed path overhead p50              ${overhead.toFixed(2)} µs ${goal(overhead, 1, 'µs')}`);
console.log(`  record a failure (one EVALSHA)        p50 ${ms(m((r) => r.failure))} ${goal(p50.failure, 0.5, 'ms')}`);
console.log(`  half-open claim, granted + success    p50 ${ms(m((r) => r.grantedClaim))} (claim, outcome)`);
console.log(
  `  half-open claim, refused              p50 ${ms(m((r) => r.refusedClaim))} ${goal(p50.refusedClaim, 0.5, 'ms')}`,
);
console.log(
  `  budget reservation (reserve)          p50 ${ms(m((r) => r.reserveOnly))} ${goal(p50.reserveOnly, 0.5, 'ms')}`,
);
console.log(`  budget reserve + release              p50 ${ms(m((r) => r.reserveRelease))}`);
console.log(`  reservation throughput, 50 callers    ${Math.round(m((r) => r.throughput))} reserve+release/s`);
const staleP50 = m((r) => r.staleness.p50).toFixed(2);
const staleGoal = goal(staleMax, 100, 'ms');
console.log(`  staleness of another process's copy   p50 ${staleP50} ms, max ${staleMax.toFixed(2)} ms ${staleGoal}`);
const shape = `local Redis, medians of ${runs} fresh processes`;
figure('breaker.closed-path-overhead-us', overhead, { unit: 'µs', goal: 1, shape });
figure('breaker.record-failure-ms', p50.failure, { unit: 'ms', goal: 0.5, shape });
figure('breaker.half-open-refused-ms', p50.refusedClaim, { unit: 'ms', goal: 0.5, shape });
figure('budget.reserve-ms', p50.reserveOnly, { unit: 'ms', goal: 0.5, shape });
figure('breaker.staleness-max-ms', staleMax, { unit: 'ms', goal: 100, shape: `${shape}, 50 flips` });
