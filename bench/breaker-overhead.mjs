// Benchmark of the shared circuit breaker's guarded call, imported from the built package entry
// (dist/core/internal.js) as the services use it, against a real Redis.
//
//   npm run build && node bench/breaker-overhead.mjs
//
// Prints, as the median over BREAKER_BENCH_RUNS runs (default 7) of BREAKER_BENCH_CALLS calls each
// (default 20000): the p50 and p99 of one call of an empty async function, unguarded (baseline) and
// through breaker.execute() in the closed state, and the overhead (guarded p50 minus baseline p50).
// For scale it also times the two paths that do touch Redis: recording a failure (one EVALSHA of the
// transition script) and a naive breaker that reads its state from Redis on every call.
// Goal (issue #6): guarded-call overhead p50 ≤ 50 µs.
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { SharedBreakers } from '../dist/core/internal.js';
import { figure } from './lib/figures.mjs';
import { median, percentile } from './lib/measure.mjs';

const runs = Number(process.env.BREAKER_BENCH_RUNS ?? 7);
const calls = Number(process.env.BREAKER_BENCH_CALLS ?? 20_000);
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `mcbench:breaker:${randomBytes(4).toString('hex')}:`;

const redis = new Redis(redisUrl);
const shared = new SharedBreakers({ redis, keyPrefix: prefix, instanceId: 'bench' });
const breaker = await shared.breaker('bench', { failureThreshold: 1_000_000_000 });
const failing = await shared.breaker('bench-failures', { failureThreshold: 1_000_000_000 });
const noop = async () => 1;
const boom = async () => {
  throw new Error('boom');
};

async function sample(n, call) {
  const times = new Array(n);
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await call();
    times[i] = (performance.now() - start) * 1000; // µs
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

const naiveKey = `${prefix}naive`;
await redis.hset(naiveKey, 'state', 'closed');
const naive = async () => {
  const state = await redis.hget(naiveKey, 'state');
  if (state === 'open') throw new Error('open');
  return noop();
};

// Warm-up: JIT, script cache, connection.
await sample(2_000, noop);
await sample(2_000, () => breaker.execute(noop));
await sample(200, () => failing.execute(boom).catch(() => {}));
await sample(200, naive);

const results = { baseline: [], guarded: [], failure: [], naive: [] };
for (let r = 0; r < runs; r++) {
  results.baseline.push(await sample(calls, noop));
  results.guarded.push(await sample(calls, () => breaker.execute(noop)));
  results.failure.push(await sample(Math.min(calls, 2_000), () => failing.execute(boom).catch(() => {})));
  results.naive.push(await sample(Math.min(calls, 2_000), naive));
}

const med = (list, key) => median(list.map((x) => x[key]));
const us = (v) => `${v.toFixed(2)} µs`;
const baseline = med(results.baseline, 'p50');
const guarded = med(results.guarded, 'p50');
console.log(`breaker guarded call (closed, shared state in Redis), median of ${runs} runs x ${calls} calls`);
console.log(`  baseline (unguarded async call)   p50 ${us(baseline)}   p99 ${us(med(results.baseline, 'p99'))}`);
console.log(`  breaker.execute                   p50 ${us(guarded)}   p99 ${us(med(results.guarded, 'p99'))}`);
const met = guarded - baseline <= 50 ? 'met' : 'NOT met';
console.log(`  overhead p50                      ${us(guarded - baseline)}   (goal <= 50 µs: ${met})`);
console.log(`  for scale: failure recorded (EVALSHA)   p50 ${us(med(results.failure, 'p50'))}`);
console.log(`  for scale: naive Redis read per call    p50 ${us(med(results.naive, 'p50'))}`);
figure('breaker.guarded-call-overhead-us', guarded - baseline, {
  unit: 'µs',
  goal: 50,
  shape: `closed breaker, shared state in Redis, ${runs} runs x ${calls} calls, p50`,
});

await shared.close();
const keys = await redis.keys(`${prefix}*`);
if (keys.length) await redis.del(...keys);
redis.disconnect();
