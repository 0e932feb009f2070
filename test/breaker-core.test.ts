import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerOpenError, BreakerStore, SharedBreakers } from '../src/core/breakers/index.js';
import { deleteKeys, TEST_REDIS_CLUSTER_URL, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';

// every test runs against one Redis and against the 3-master Cluster (.ci/start-redis-cluster.sh)
const TARGETS = [
  ['one Redis', TEST_REDIS_URL],
  ['a Redis Cluster', TEST_REDIS_CLUSTER_URL],
] as const;
let currentUrl: string = TEST_REDIS_URL;

const connections: (Redis | Cluster)[] = [];
const registries: SharedBreakers[] = [];
let prefix: string;

function connect(): Redis | Cluster {
  const redis = currentUrl.startsWith('redis+cluster://')
    ? new Cluster(
        currentUrl
          .slice('redis+cluster://'.length)
          .split(',')
          .map((hp) => ({ host: hp.split(':')[0]!, port: Number(hp.split(':')[1]) })),
      )
    : new Redis(currentUrl);
  connections.push(redis);
  return redis;
}

function registry(extra: { heartbeatMs?: number; instanceId?: string } = {}): SharedBreakers {
  const shared = new SharedBreakers({ redis: connect(), keyPrefix: prefix, redisTimeoutMs: PATIENT_MS, ...extra });
  registries.push(shared);
  return shared;
}

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fail = () => Promise.reject(new Error('upstream 503 for patient +40722123456'));
const succeed = () => Promise.resolve('ok');

beforeAll(() => {
  prefix = uniquePrefix('breaker-core');
});

afterAll(async () => {
  for (const r of registries) await r.close();
  await deleteKeys(connect(), prefix);
  for (const c of connections) c.disconnect();
});

describe.each(TARGETS)('on %s', (_label, url) => {
  beforeAll(async () => {
    currentUrl = url;
    prefix = uniquePrefix('breaker-core');
  });
  afterAll(async () => {
    for (const r of registries.splice(0)) await r.close();
    await deleteKeys(connect(), prefix);
  });

  describe('shared circuit breaker', () => {
    it(
      'opens after the failure threshold, refuses calls without ' + 'running them, and masks PII in the stored error',
      async () => {
        const breaker = await registry().breaker('hubspot');
        for (let i = 0; i < 4; i++) await expect(breaker.execute(fail)).rejects.toThrow('upstream 503');
        expect(breaker.view.state).toBe('closed');
        expect(breaker.view.failures).toBe(4);
        await expect(breaker.execute(fail)).rejects.toThrow('upstream 503');
        expect(breaker.view.state).toBe('open');

        let ran = false;
        await expect(
          breaker.execute(async () => {
            ran = true;
          }),
        ).rejects.toBeInstanceOf(BreakerOpenError);
        expect(ran).toBe(false);

        const stored = await new BreakerStore(connect(), { keyPrefix: prefix }).get('hubspot');
        expect(stored?.state).toBe('open');
        expect(stored?.failures).toBe(5);
        expect(stored?.lastError).toContain('upstream 503');
        expect(stored?.lastError).not.toContain('40722123456');
        expect(stored?.thresholds).toEqual({
          failureThreshold: 5,
          successThreshold: 3,
          resetTimeoutMs: 30_000,
          halfOpenMaxCalls: 1,
        });
      },
    );

    it('a success in the closed state clears the failure count', async () => {
      const breaker = await registry().breaker('whatsapp');
      await expect(breaker.execute(fail)).rejects.toThrow();
      await expect(breaker.execute(fail)).rejects.toThrow();
      await breaker.execute(succeed);
      expect((await new BreakerStore(connect(), { keyPrefix: prefix }).get('whatsapp'))?.failures).toBe(0);
    });

    it('goes half-open after the reset timeout and closes after the success threshold', async () => {
      const breaker = await registry().breaker('stripe', {
        failureThreshold: 2,
        successThreshold: 2,
        resetTimeoutMs: 300,
      });
      await expect(breaker.execute(fail)).rejects.toThrow();
      await expect(breaker.execute(fail)).rejects.toThrow();
      expect(breaker.view.state).toBe('open');
      await until(
        () => Date.now(),
        (now) => now > Date.parse(breaker.view.halfOpenAt!) + 20,
        2_000,
      );
      await breaker.execute(succeed);
      expect(breaker.view.state).toBe('half_open');
      await breaker.execute(succeed);
      expect(breaker.view.state).toBe('closed');
      const history = await new BreakerStore(connect(), { keyPrefix: prefix }).history('stripe');
      expect(history.map((h) => h.to)).toEqual(['closed', 'half_open', 'open']);
    });

    it('a failed trial call while half-open opens it again', async () => {
      const breaker = await registry().breaker('places', { failureThreshold: 1, resetTimeoutMs: 200 });
      await expect(breaker.execute(fail)).rejects.toThrow();
      await until(
        () => Date.now(),
        (now) => now > Date.parse(breaker.view.halfOpenAt!) + 20,
        2_000,
      );
      await expect(breaker.execute(fail)).rejects.toThrow('upstream');
      expect(breaker.view.state).toBe('open');
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      expect((await store.history('places')).map((h) => h.to)).toEqual(['open', 'half_open', 'open']);
    });

    it('another process sees a transition through pub/sub without making a call', async () => {
      const a = await registry().breaker('openai', { failureThreshold: 3 });
      const b = await registry().breaker('openai', { failureThreshold: 3 });
      for (let i = 0; i < 3; i++) await expect(a.execute(fail)).rejects.toThrow();
      const seen = await until(
        () => b.view.state,
        (s) => s === 'open',
      );
      expect(seen).toBe('open');
      let ran = false;
      await expect(
        b.execute(async () => {
          ran = true;
        }),
      ).rejects.toBeInstanceOf(BreakerOpenError);
      expect(ran).toBe(false);
    });

    it('an operator force-open is obeyed at once, expires by itself, and records who and why', async () => {
      const breaker = await registry().breaker('trigger');
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      const forced = await store.forceOpen('trigger', { forMs: 300, reason: 'incident 42', actor: 'alice' });
      expect(forced.state).toBe('open');
      expect(forced.forced).toMatchObject({ reason: 'incident 42', actor: 'alice' });
      await until(
        () => breaker.view.state,
        (s) => s === 'open',
      );
      await expect(breaker.execute(succeed)).rejects.toThrow(/forced open by alice: incident 42/);
      await until(
        () => Date.now(),
        (now) => now > Date.parse(forced.forced!.until) + 20,
        2_000,
      );
      const after = await store.get('trigger');
      expect(after?.state).toBe('half_open');
      expect(after?.forced).toBeNull();
      const history = await store.history('trigger');
      expect(history[1]).toMatchObject({ to: 'open', actor: 'alice' });
    });

    it('reset and probe steer every process', async () => {
      const breaker = await registry().breaker('email', { failureThreshold: 1 });
      await expect(breaker.execute(fail)).rejects.toThrow();
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      const probed = await store.probe('email', { actor: 'bob' });
      expect(probed?.state).toBe('half_open');
      await until(
        () => breaker.view.state,
        (s) => s === 'half_open',
      );
      const reset = await store.reset('email', { actor: 'bob' });
      expect(reset.state).toBe('closed');
      expect(reset.lastAction).toMatchObject({ action: 'reset', actor: 'bob' });
      await until(
        () => breaker.view.state,
        (s) => s === 'closed',
      );
      expect(await breaker.execute(succeed)).toBe('ok');
      expect(await store.probe('nonexistent', { actor: 'bob' })).toBeUndefined();
    });

    it('heartbeats tell how many instances agree with the shared state', async () => {
      const a = registry({ instanceId: 'pod-a' });
      const b = registry({ instanceId: 'pod-b' });
      await a.breaker('ses');
      await b.breaker('ses');
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      const entry = await until(
        async () => (await store.list()).find((e) => e.name === 'ses'),
        (e) => e?.instances.reporting === 2,
      );
      expect(entry?.instances).toMatchObject({ reporting: 2, agreeing: 2 });
      await store.forceOpen('ses', { forMs: 60_000, reason: 'test', actor: 'carol' });
      const after = await until(
        async () => (await store.list()).find((e) => e.name === 'ses'),
        (e) => e?.state === 'open' && e.instances.agreeing === 2,
      );
      expect(after?.instances).toMatchObject({ reporting: 2, agreeing: 2 });
      await a.close();
      const gone = await until(
        async () => (await store.list()).find((e) => e.name === 'ses'),
        (e) => e?.instances.reporting === 1,
      );
      expect(gone?.instances.reporting).toBe(1);
    });
  });

  describe('without Redis', () => {
    it(
      'keeps guarding from the local copy: calls still run, their ' +
        'own errors come through, Redis errors are reported',
      async () => {
        const errors: unknown[] = [];
        const down = new Redis('redis://127.0.0.1:1', {
          lazyConnect: true,
          maxRetriesPerRequest: 1,
          retryStrategy: () => null,
        });
        down.on('error', () => {});
        const shared = new SharedBreakers({
          redis: down,
          keyPrefix: prefix,
          onError: (e) => errors.push(e),
          redisTimeoutMs: 200,
        });
        const breaker = await shared.breaker('no-redis');
        expect(await breaker.execute(succeed)).toBe('ok');
        await expect(breaker.execute(fail)).rejects.toThrow('upstream 503');
        expect(errors.length).toBeGreaterThan(0);
        await shared.close();
        down.disconnect();
      },
    );
  });

  describe('concurrency', () => {
    it('never loses a failure count across many connections and concurrent calls', async () => {
      const instances = [registry(), registry(), registry(), registry()];
      const breakers = await Promise.all(instances.map((r) => r.breaker('counted', { failureThreshold: 10_000 })));
      await Promise.all(Array.from({ length: 400 }, (_, i) => breakers[i % 4]!.execute(fail).catch(() => {})));
      const view = await new BreakerStore(connect(), { keyPrefix: prefix }).get('counted');
      expect(view?.failures).toBe(400);
      expect(view?.state).toBe('closed');
    });

    it('opens exactly once however many failures race past the threshold', async () => {
      const instances = [registry(), registry(), registry()];
      const breakers = await Promise.all(instances.map((r) => r.breaker('raced', { failureThreshold: 5 })));
      await Promise.all(Array.from({ length: 60 }, (_, i) => breakers[i % 3]!.execute(fail).catch(() => {})));
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      const history = await store.history('raced');
      expect(history.filter((h) => h.to === 'open')).toHaveLength(1);
      expect((await store.get('raced'))?.state).toBe('open');
    });

    it('admits only halfOpenMaxCalls concurrent trial calls, and closes exactly once when they succeed', async () => {
      const instances = [registry(), registry(), registry()];
      const breakers = await Promise.all(
        instances.map((r) => r.breaker('trial', { failureThreshold: 1, successThreshold: 3, halfOpenMaxCalls: 3 })),
      );
      await breakers[0]!.execute(fail).catch(() => {});
      const store = new BreakerStore(connect(), { keyPrefix: prefix });
      await store.probe('trial', { actor: 'test' });
      await Promise.all(
        breakers.map((b) =>
          until(
            () => b.view.state,
            (s) => s === 'half_open',
          ),
        ),
      );
      let ran = 0;
      const outcomes = await Promise.allSettled(
        Array.from({ length: 30 }, (_, i) =>
          breakers[i % 3]!.execute(async () => {
            ran += 1;
            await new Promise((r) => setTimeout(r, 50));
          }),
        ),
      );
      expect(ran).toBe(3);
      expect(outcomes.filter((o) => o.status === 'rejected' && o.reason instanceof BreakerOpenError)).toHaveLength(27);
      const history = await store.history('trial');
      expect(history.filter((h) => h.to === 'closed')).toHaveLength(1);
      expect((await store.get('trial'))?.state).toBe('closed');
    });
  });
});
