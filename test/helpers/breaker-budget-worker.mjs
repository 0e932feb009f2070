// A "service process" for the concurrency tests: it imports the built package entry (medicalcor/core)
// as a platform pod does, waits for a common start time, runs its concurrent calls and prints what
// happened as one JSON line. Usage: node breaker-budget-worker.mjs '<json job>'
import pg from 'pg';

const job = JSON.parse(process.argv[2]);
const core = await import('medicalcor/core');
const redis = core.createRedisClient(job.redisUrl, { reconnect: true, commandTimeoutMs: 5_000 });
await redis.connect();
const pool = job.databaseUrl ? new pg.Pool({ connectionString: job.databaseUrl, max: 4 }) : undefined;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errors = [];
const out = { made: 0, refused: 0, failed: 0, reasons: {} };
const refused = (error) => {
  out.refused += 1;
  const why = error.reason ?? error.name;
  out.reasons[why] = (out.reasons[why] ?? 0) + 1;
};

async function startTogether() {
  const wait = job.startAt - Date.now();
  if (wait > 0) await sleep(wait);
}

function controller() {
  return new core.BudgetController({
    redis,
    pool,
    keyPrefix: job.prefix,
    redisTimeoutMs: 5_000,
    onError: (e) => errors.push(String(e?.message ?? e)),
    ...(job.now ? { now: () => new Date(job.now) } : {}),
  });
}

if (job.mode === 'spend' || job.mode === 'tokens') {
  const budget = controller();
  await startTogether();
  await Promise.all(
    Array.from({ length: job.calls }, async (_, i) => {
      try {
        await budget.guard(
          {
            provider: 'openai',
            model: 'gpt-4o',
            operation: 'lead_scoring',
            tenant: job.tenant,
            user: job.user,
            tier: job.tier,
            estimatedInputTokens: job.inputTokens,
            estimatedOutputTokens: 0,
            correlationId: `w${process.pid}-${i}`,
          },
          async () => {
            out.made += 1;
            await sleep(job.callMs ?? 20);
            return { value: 1, usage: { inputTokens: job.inputTokens, outputTokens: 0 } };
          },
        );
      } catch (error) {
        if (error?.name === 'BudgetRefusedError') refused(error);
        else {
          out.failed += 1;
          errors.push(String(error?.message ?? error));
        }
      }
    }),
  );
} else if (job.mode === 'places') {
  const budget = new core.BudgetController({
    redis,
    pool,
    keyPrefix: job.prefix,
    redisTimeoutMs: 5_000,
    callCaps: { google_places: job.caps },
  });
  await startTogether();
  await Promise.all(
    Array.from({ length: job.calls }, async () => {
      try {
        await budget.acquireCall('google_places');
        out.made += 1;
      } catch (error) {
        if (error?.name === 'BudgetRefusedError') refused(error);
        else {
          out.failed += 1;
          errors.push(String(error?.message ?? error));
        }
      }
    }),
  );
} else if (job.mode === 'record-loop') {
  // records spend until the stop time: half through guard (reserve + settle), half through record
  const budget = controller();
  let n = 0;
  // at least minCalls, however late this busy machine started the process
  while (Date.now() < job.stopAt || n < (job.minCalls ?? 0)) {
    const tenant = job.tenants[n % job.tenants.length];
    const tokens = 400 + (n % 7) * 100;
    try {
      if (n % 2 === 0) {
        await budget.guard(
          { provider: 'openai', model: 'gpt-4o', operation: 'x', tenant, estimatedInputTokens: 1000 },
          async () => ({ value: 1, usage: { inputTokens: tokens, outputTokens: 10 } }),
        );
      } else {
        await budget.record({
          provider: 'openai',
          model: 'gpt-4o',
          operation: 'x',
          tenant,
          inputTokens: tokens,
          outputTokens: 10,
        });
      }
      out.made += 1;
    } catch (error) {
      out.failed += 1;
      errors.push(String(error?.message ?? error));
    }
    n += 1;
  }
} else if (job.mode === 'half-open') {
  const shared = new core.SharedBreakers({
    redis,
    keyPrefix: job.prefix,
    redisTimeoutMs: 5_000,
    onError: (e) => errors.push(String(e?.message ?? e)),
  });
  const breaker = await shared.breaker(job.breaker, job.thresholds ?? {});
  await startTogether();
  await Promise.all(
    Array.from({ length: job.calls }, async () => {
      try {
        await breaker.execute(async () => {
          const response = await fetch(job.dependencyUrl);
          await response.text();
          if (!response.ok) throw new Error(`dependency answered ${response.status}`);
        });
        out.made += 1;
      } catch (error) {
        if (error?.name === 'BreakerOpenError') refused(error);
        else out.failed += 1;
      }
    }),
  );
  out.state = breaker.view.state;
  await shared.close();
}

out.errors = errors.slice(0, 5);
process.stdout.write(`${JSON.stringify(out)}\n`);
redis.disconnect();
await pool?.end();
