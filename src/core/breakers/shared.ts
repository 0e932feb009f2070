import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from '../redis/client.js';
import { conflict, invalidInput } from '../errors.js';
import { typedValue } from '../mask/typed-value.js';
import { isBreakerName } from './keys.js';
import { BreakerStore, type InstanceHeartbeat } from './store.js';
import { DEFAULT_THRESHOLDS, summarizeError, viewFromHash, type BreakerThresholds, type BreakerView } from './view.js';
import type { BreakerHash } from './script.js';

/** Thrown instead of making the call while the breaker is open. */
export class BreakerOpenError extends Error {
  constructor(readonly breaker: BreakerView) {
    if (breaker.state === 'half_open') {
      super(
        `Circuit breaker "${breaker.name}" is half-open and its ${breaker.thresholds.halfOpenMaxCalls} trial call(s) ` +
          'are taken; calls are refused until a trial succeeds.',
      );
      this.name = 'BreakerOpenError';
      return;
    }
    const why = breaker.forced
      ? `forced open by ${breaker.forced.actor}: ${breaker.forced.reason}`
      : `open after ${breaker.failures} failures`;
    super(
      `Circuit breaker "${breaker.name}" is ${why}; calls are refused until ${breaker.halfOpenAt ?? 'it is reset'}.`,
    );
    this.name = 'BreakerOpenError';
  }
}

export interface BreakerOptions extends Partial<BreakerThresholds> {
  /**
   * decides whether an error counts against the dependency (default: every error except budget and breaker refusals)
   */
  isFailure?: (error: unknown) => boolean;
}

export interface SharedBreakersOptions {
  redis: RedisClient;
  /** a connection for pub/sub; default: a duplicate of `redis` (closed by close()) */
  subscriber?: RedisClient;
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
  private readonly subscriber: RedisClient;
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

  /**
   * The named breaker. A breaker not yet in Redis is created with these thresholds; one that exists
   * keeps its stored thresholds (one owner), and asking for others is reported through onError.
   */
  async breaker(name: string, options: BreakerOptions = {}): Promise<CircuitBreaker> {
    if (!isBreakerName(name)) {
      throw invalidInput(`${typedValue(name)} is not a breaker name (letters, digits, . _ -; up to 64).`, {
        code: 'breaker-bad-name',
        facts: { name },
      });
    }
    // Without Redis at boot the breaker still works from its local copy; the heartbeat re-reads later.
    await this.start().catch((error: unknown) => this.reportError(error));
    let breaker = this.breakers.get(name);
    if (!breaker) {
      const asked = definedOnly(options);
      breaker = new CircuitBreaker(this, name, { ...DEFAULT_THRESHOLDS, ...asked }, options.isFailure);
      this.breakers.set(name, breaker);
      await breaker.refresh();
      this.queueBeat();
      const differing = (Object.keys(asked) as (keyof BreakerThresholds)[]).filter(
        (k) => breaker!.view.version > 0 && breaker!.view.thresholds[k] !== asked[k],
      );
      if (differing.length) {
        this.reportError(
          conflict(
            `Breaker "${name}" keeps its stored thresholds ` +
              `(${differing.map((k) => `${k} ${breaker!.view.thresholds[k]}`).join(', ')}); ` +
              `this process asked for ${differing.map((k) => `${k} ${asked[k]}`).join(', ')}.`,
            {
              code: 'breaker-thresholds-differ',
              facts: { name, stored: breaker.view.thresholds, asked },
              remedy: 'Change the stored thresholds on purpose, or ask for the stored ones.',
            },
          ),
        );
      }
    }
    return breaker;
  }

  /** Stops the heartbeat, removes this instance from the index and closes the subscriber it opened. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const keys = this.store.keys;
    await this.options.redis
      .multi()
      .del(keys.instance(this.instanceId))
      .zrem(keys.instances, this.instanceId)
      .exec()
      .catch(() => {});
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
        breakers: Object.fromEntries(
          [...this.breakers.values()].map((b) => [b.name, { state: b.view.state, version: b.view.version }]),
        ),
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
  if (options.halfOpenMaxCalls !== undefined) out.halfOpenMaxCalls = options.halfOpenMaxCalls;
  return out;
}

function isTimeout(error: unknown): boolean {
  return /did not answer within|timed out/i.test(String((error as Error)?.message ?? error));
}

/** Refusals by our own guards (a budget, another breaker) say nothing about the dependency's health. */
function countsAgainstDependency(error: unknown): boolean {
  return !(error instanceof Error && (error.name === 'BudgetRefusedError' || error.name === 'BreakerOpenError'));
}

export class CircuitBreaker {
  private current: BreakerView;
  /** trial calls this process runs while Redis cannot hand out leases (degraded mode) */
  private localTrials = 0;

  constructor(
    private readonly owner: SharedBreakers,
    readonly name: string,
    /** what this process asked for: used only if it is the one that creates the breaker */
    readonly requested: BreakerThresholds,
    private readonly isFailure: (error: unknown) => boolean = countsAgainstDependency,
  ) {
    this.current = viewFromHash(name, {});
  }

  /** The local copy of the shared state. */
  get view(): BreakerView {
    return this.current;
  }

  /** The thresholds in force: the stored ones, whoever created the breaker. */
  get thresholds(): BreakerThresholds {
    return this.current.version > 0 ? this.current.thresholds : this.requested;
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

  /**
   * Runs `call` unless the breaker is open, and records its outcome in the shared state. Closed
   * costs no round trip; open and half-open ask Redis for a trial lease, so only
   * `halfOpenMaxCalls` calls reach the dependency at once across every process.
   */
  async execute<T>(call: () => Promise<T>): Promise<T> {
    const view = this.current;
    let localTrial = false;
    if (view.state === 'open' && Date.now() < Date.parse(view.halfOpenAt!)) throw new BreakerOpenError(view);
    if (view.state !== 'closed') {
      const claim = await this.claim();
      if (claim === 'refused') throw new BreakerOpenError(this.current);
      localTrial = claim === 'local';
    }
    let result: T;
    try {
      result = await call();
    } catch (error) {
      if (localTrial) this.localTrials -= 1;
      if (this.isFailure(error)) await this.apply('failure', summarizeError(error));
      throw error;
    }
    if (localTrial) this.localTrials -= 1;
    const now = this.current;
    if (now.state !== 'closed' || now.failures > 0) await this.apply('success');
    return result;
  }

  /** A trial lease from Redis; without Redis, at most halfOpenMaxCalls local trials in this process. */
  private async claim(): Promise<'shared' | 'local' | 'refused'> {
    try {
      const { view, admitted } = await this.withDeadline(
        this.owner.store.applyWithClaim(this.name, 'attempt', { thresholds: this.requested }),
      );
      if (view) this.accept(view);
      return admitted ? 'shared' : 'refused';
    } catch (error) {
      this.owner.reportError(error);
      // A slow Redis may still grant the lease to someone else: refuse. Only a Redis that cannot be
      // reached at all leaves the probing to each process (at most halfOpenMaxCalls at a time).
      if (isTimeout(error) || this.localTrials >= this.thresholds.halfOpenMaxCalls) return 'refused';
      this.localTrials += 1;
      return 'local';
    }
  }

  private async withDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.owner.redisTimeoutMs;
    // A slow or retrying Redis must not hold up the guarded call for long either.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`breaker ${this.name}: Redis did not answer within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async apply(op: 'read' | 'failure' | 'success', detail?: string, authoritative = false): Promise<void> {
    try {
      const view = await this.withDeadline(
        this.owner.store.apply(this.name, op, { detail, thresholds: this.requested }),
      );
      if (view) this.accept(view, authoritative);
    } catch (error) {
      // Redis being down must not take the guarded dependency down with it: keep the last known state.
      this.owner.reportError(error);
    }
  }
}
