import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { isBreakerName } from './keys.js';
import { BreakerStore, type InstanceHeartbeat } from './store.js';
import { DEFAULT_THRESHOLDS, summarizeError, viewFromHash, type BreakerThresholds, type BreakerView } from './view.js';
import type { BreakerHash } from './script.js';

/** Thrown instead of making the call while the breaker is open. */
export class BreakerOpenError extends Error {
  constructor(readonly breaker: BreakerView) {
    const why = breaker.forced ? `forced open by ${breaker.forced.actor}: ${breaker.forced.reason}` : `open after ${breaker.failures} failures`;
    super(`Circuit breaker "${breaker.name}" is ${why}; calls are refused until ${breaker.halfOpenAt ?? 'it is reset'}.`);
    this.name = 'BreakerOpenError';
  }
}

export interface BreakerOptions extends Partial<BreakerThresholds> {
  /** decides whether an error counts against the dependency (default: every error except budget and breaker refusals) */
  isFailure?: (error: unknown) => boolean;
}

export interface SharedBreakersOptions {
  redis: Redis;
  /** a connection for pub/sub; default: a duplicate of `redis` (closed by close()) */
  subscriber?: Redis;
  keyPrefix?: string;
  /** how this process names itself in heartbeats (default host-pid-random) */
  instanceId?: string;
  /** how often this process publishes its view and re-reads its breakers (default 5 s) */
  heartbeatMs?: number;
  /** Redis errors while recording are not the guarded call's problem; they are reported here */
  onError?: (error: unknown) => void;
  /** how long a guarded call waits for Redis when it must record something (default 500 ms) */
  redisTimeoutMs?: number;
}

/**
 * One process's breakers. State is shared through Redis; each breaker keeps a local copy that the
 * transition script's pub/sub messages keep fresh, so a guarded call in the closed state costs no
 * round trip: only failures, and successes that change something, run the script.
 */
export class SharedBreakers {
  readonly store: BreakerStore;
  readonly instanceId: string;
  readonly redisTimeoutMs: number;
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly subscriber: Redis;
  private readonly ownsSubscriber: boolean;
  private timer: NodeJS.Timeout | undefined;
  private beatQueued = false;
  private started: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: SharedBreakersOptions) {
    this.store = new BreakerStore(options.redis, { keyPrefix: options.keyPrefix });
    this.instanceId = options.instanceId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.redisTimeoutMs = options.redisTimeoutMs ?? 500;
    this.ownsSubscriber = !options.subscriber;
    this.subscriber = options.subscriber ?? options.redis.duplicate();
    this.subscriber.on('error', (error) => this.reportError(error));
  }

  /** Subscribes and starts the heartbeat; breaker() calls it, so calling it yourself is optional. */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.subscriber.on('message', (channel, message) => {
        if (channel === this.store.keys.channel) this.onMessage(message);
      });
      if (this.subscriber.status === 'wait') await this.subscriber.connect();
      await this.subscriber.subscribe(this.store.keys.channel);
      const every = this.options.heartbeatMs ?? 5_000;
      this.timer = setInterval(() => void this.beat(true), every);
      this.timer.unref();
    })();
    return this.started;
  }

  /** The named breaker; created in Redis with these thresholds on first use. */
  async breaker(name: string, options: BreakerOptions = {}): Promise<CircuitBreaker> {
    if (!isBreakerName(name)) throw new RangeError(`"${name}" is not a breaker name (letters, digits, . _ -; up to 64)`);
    // Without Redis at boot the breaker still works from its local copy; the heartbeat re-reads later.
    await this.start().catch((error: unknown) => this.reportError(error));
    let breaker = this.breakers.get(name);
    if (!breaker) {
      breaker = new CircuitBreaker(this, name, { ...DEFAULT_THRESHOLDS, ...definedOnly(options) }, options.isFailure);
      this.breakers.set(name, breaker);
      await breaker.refresh();
      this.queueBeat();
    }
    return breaker;
  }

  /** Stops the heartbeat, removes this instance from the index and closes the subscriber it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const keys = this.store.keys;
    await this.options.redis.multi().del(keys.instance(this.instanceId)).zrem(keys.instances, this.instanceId).exec().catch(() => {});
    if (this.ownsSubscriber) this.subscriber.disconnect();
    else await this.subscriber.unsubscribe(keys.channel).catch(() => {});
  }

  /** @internal */
  reportError(error: unknown): void {
    this.options.onError?.(error);
  }

  /** @internal a breaker's local copy changed: let `breaker list` see it soon */
  queueBeat(): void {
    if (this.beatQueued || this.closed) return;
    this.beatQueued = true;
    setImmediate(() => {
      this.beatQueued = false;
      void this.beat(false);
    });
  }

  private onMessage(message: string): void {
    try {
      const { name, hash } = JSON.parse(message) as { name: string; hash: BreakerHash };
      this.breakers.get(name)?.accept(viewFromHash(name, hash));
    } catch (error) {
      this.reportError(error);
    }
  }

  /** Publishes this instance's view; on the timer it also re-reads every breaker in case a message was missed. */
  private async beat(refresh: boolean): Promise<void> {
    if (this.closed) return;
    try {
      if (refresh) await Promise.all([...this.breakers.values()].map((b) => b.refresh()));
      const every = this.options.heartbeatMs ?? 5_000;
      const heartbeat: InstanceHeartbeat = {
        instance: this.instanceId,
        host: hostname(),
        pid: process.pid,
        at: new Date().toISOString(),
        breakers: Object.fromEntries([...this.breakers.values()].map((b) => [b.name, { state: b.view.state, version: b.view.version }])),
      };
      const keys = this.store.keys;
      const ttl = every * 3;
      await this.options.redis
        .multi()
        .set(keys.instance(this.instanceId), JSON.stringify(heartbeat), 'PX', ttl)
        .zadd(keys.instances, Date.now() + ttl, this.instanceId)
        .exec();
    } catch (error) {
      this.reportError(error);
    }
  }
}

function definedOnly(options: BreakerOptions): Partial<BreakerThresholds> {
  const out: Partial<BreakerThresholds> = {};
  if (options.failureThreshold !== undefined) out.failureThreshold = options.failureThreshold;
  if (options.successThreshold !== undefined) out.successThreshold = options.successThreshold;
  if (options.resetTimeoutMs !== undefined) out.resetTimeoutMs = options.resetTimeoutMs;
  return out;
}

/** Refusals by our own guards (a budget, another breaker) say nothing about the dependency's health. */
function countsAgainstDependency(error: unknown): boolean {
  return !(error instanceof Error && (error.name === 'BudgetRefusedError' || error.name === 'BreakerOpenError'));
}

export class CircuitBreaker {
  private current: BreakerView;

  constructor(
    private readonly owner: SharedBreakers,
    readonly name: string,
    readonly thresholds: BreakerThresholds,
    private readonly isFailure: (error: unknown) => boolean = countsAgainstDependency,
  ) {
    this.current = viewFromHash(name, {});
  }

  /** The local copy of the shared state. */
  get view(): BreakerView {
    return this.current;
  }

  /** @internal keeps the newest state seen, whichever arrives first: the script's reply or the message */
  accept(view: BreakerView, authoritative = false): void {
    // A periodic re-read wins even over a higher version: Redis may have been flushed and restarted.
    if (!authoritative && view.version < this.current.version) return;
    const changed = view.state !== this.current.state;
    this.current = view;
    if (changed) this.owner.queueBeat();
  }

  async refresh(): Promise<BreakerView> {
    await this.apply('read', undefined, true);
    return this.current;
  }

  /** Runs `call` unless the breaker is open, and records its outcome in the shared state. */
  async execute<T>(call: () => Promise<T>): Promise<T> {
    let view = this.current;
    if (view.state === 'open') {
      if (Date.now() < Date.parse(view.halfOpenAt!)) throw new BreakerOpenError(view);
      // The local copy says the wait is over: let the script decide, once, for every process.
      await this.apply('attempt');
      view = this.current;
      if (view.state === 'open') throw new BreakerOpenError(view);
    }
    let result: T;
    try {
      result = await call();
    } catch (error) {
      if (this.isFailure(error)) await this.apply('failure', summarizeError(error));
      throw error;
    }
    const now = this.current;
    if (now.state !== 'closed' || now.failures > 0) await this.apply('success');
    return result;
  }

  private async apply(op: 'read' | 'attempt' | 'failure' | 'success', detail?: string, authoritative = false): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A slow or retrying Redis must not hold up the guarded call for long either.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`breaker ${this.name}: Redis did not answer within ${this.owner.redisTimeoutMs} ms`)), this.owner.redisTimeoutMs);
      });
      const view = await Promise.race([this.owner.store.apply(this.name, op, { detail, thresholds: this.thresholds }), deadline]);
      if (view) this.accept(view, authoritative);
    } catch (error) {
      // Redis being down must not take the guarded dependency down with it: keep the last known state.
      this.owner.reportError(error);
    } finally {
      clearTimeout(timer);
    }
  }
}
