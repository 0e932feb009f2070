import type { RedisClient } from '../redis/client.js';
import { breakerKeys, DEFAULT_KEY_PREFIX, type BreakerKeys } from './keys.js';
import { invalidInput, notFound } from '../errors.js';
import { runBreakerScript, type BreakerOp } from './script.js';
import {
  DEFAULT_THRESHOLDS,
  viewFromHash,
  type BreakerState,
  type BreakerThresholds,
  type BreakerView,
} from './view.js';

/** What one process last published about its own copy of the breakers (see SharedBreakers). */
export interface InstanceHeartbeat {
  instance: string;
  host: string;
  pid: number;
  at: string;
  breakers: Record<string, { state: BreakerState; version: number }>;
}

export interface BreakerAgreement {
  /** live instances that use this breaker */
  reporting: number;
  /** of those, how many hold the same state as Redis */
  agreeing: number;
  /** instances whose cached state differs, with the state they hold */
  disagreeing: { instance: string; state: BreakerState }[];
}

export interface BreakerListEntry extends BreakerView {
  instances: BreakerAgreement;
}

interface ApplyParams {
  detail?: string;
  reason?: string;
  actor?: string;
  thresholds?: BreakerThresholds;
}

/** Whole numbers a breaker can work with; a zero threshold would open or close on nothing. */
export function checkThresholds(t: BreakerThresholds): void {
  const bad = (Object.entries(t) as [keyof BreakerThresholds, number][]).filter(
    ([, v]) => !Number.isInteger(v) || v < 1,
  );
  if (bad.length) {
    throw invalidInput(
      `Breaker thresholds must be whole numbers of at least 1: ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}.`,
      {
        code: 'breaker-bad-threshold',
        facts: Object.fromEntries(bad),
      },
    );
  }
}

export interface TransitionRecord {
  at: string;
  from: string;
  to: string;
  reason: string;
  actor: string;
}

/**
 * The shared breakers as an operator sees and steers them: every read and write goes through the
 * one transition script, so the CLI and the pods never step on each other.
 */
export class BreakerStore {
  readonly keys: BreakerKeys;

  constructor(
    readonly redis: RedisClient,
    options: { keyPrefix?: string } = {},
  ) {
    this.keys = breakerKeys(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  }

  /**
   * Runs one operation. `thresholds` are used only when the breaker does not exist yet (it is
   * created with them) or by op `set`; a stored breaker keeps its own otherwise.
   */
  async apply(name: string, op: BreakerOp, params: ApplyParams = {}): Promise<BreakerView | undefined> {
    return (await this.applyWithClaim(name, op, params)).view;
  }

  /** apply, also saying whether op `attempt` admitted the call (closed, or a half-open trial lease). */
  async applyWithClaim(
    name: string,
    op: BreakerOp,
    params: ApplyParams = {},
  ): Promise<{ view: BreakerView | undefined; admitted: boolean }> {
    const t = params.thresholds;
    const d = DEFAULT_THRESHOLDS;
    const reply = await runBreakerScript(
      this.redis,
      [this.keys.state(name), this.keys.names, this.keys.log(name)],
      [
        op,
        name,
        this.keys.channel,
        t ? String(t.failureThreshold) : '',
        t ? String(t.successThreshold) : '',
        t ? String(t.resetTimeoutMs) : '',
        t ? String(t.halfOpenMaxCalls) : '',
        params.detail ?? '',
        params.reason ?? '',
        params.actor ?? '',
        String(d.failureThreshold),
        String(d.successThreshold),
        String(d.resetTimeoutMs),
        String(d.halfOpenMaxCalls),
      ],
    );
    return { view: reply.hash ? viewFromHash(name, reply.hash) : undefined, admitted: reply.admitted };
  }

  /** Changes a breaker's thresholds on purpose (the one way besides creation); creates it if missing. */
  async setThresholds(name: string, thresholds: BreakerThresholds, opts: { actor: string }): Promise<BreakerView> {
    checkThresholds(thresholds);
    return (await this.apply(name, 'set', { thresholds, actor: opts.actor }))!;
  }

  async names(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.names)).sort();
  }

  async get(name: string): Promise<BreakerView | undefined> {
    return this.apply(name, 'read');
  }

  /** The breaker, or a not-found error naming the ones that exist. */
  async require(name: string): Promise<BreakerView> {
    const view = await this.get(name);
    if (view) return view;
    const known = await this.names();
    throw notFound(`No breaker named "${name}" (Redis key prefix ${this.keys.base.replace(/\{.*$/, '')}).`, {
      code: 'breaker-unknown',
      facts: { name, known },
      remedy: known.length
        ? `Known breakers: ${known.join(', ')}.`
        : 'No service has used a shared breaker with this key prefix yet.',
    });
  }

  /** Every known breaker, with how many live instances agree with the shared state. */
  async list(): Promise<BreakerListEntry[]> {
    const [names, heartbeats] = await Promise.all([this.names(), this.heartbeats()]);
    const views = await Promise.all(names.map((name) => this.get(name)));
    return views
      .filter((v): v is BreakerView => v !== undefined)
      .map((view) => ({ ...view, instances: agreement(view, heartbeats) }));
  }

  async forceOpen(name: string, opts: { forMs: number; reason: string; actor: string }): Promise<BreakerView> {
    if (!(opts.forMs > 0))
      throw invalidInput('A forced open needs a positive duration.', { code: 'breaker-bad-duration' });
    return (await this.apply(name, 'force_open', {
      detail: String(Math.round(opts.forMs)),
      reason: opts.reason,
      actor: opts.actor,
    }))!;
  }

  async reset(name: string, opts: { actor: string; reason?: string }): Promise<BreakerView> {
    return (await this.apply(name, 'reset', { actor: opts.actor, reason: opts.reason ?? `reset by ${opts.actor}` }))!;
  }

  /** Half-open now: the next calls are trial calls. Undefined when no such breaker exists. */
  async probe(name: string, opts: { actor: string }): Promise<BreakerView | undefined> {
    return this.apply(name, 'probe', { actor: opts.actor });
  }

  async history(name: string, limit = 20): Promise<TransitionRecord[]> {
    const rows = await this.redis.lrange(this.keys.log(name), 0, limit - 1);
    return rows.map((row) => {
      const r = JSON.parse(row) as { at: number; from: string; to: string; reason: string; actor: string };
      return { ...r, at: new Date(r.at).toISOString() };
    });
  }

  /** Live instances' heartbeats; expired ones are dropped from the index as a side effect. */
  async heartbeats(): Promise<InstanceHeartbeat[]> {
    const now = Date.now();
    await this.redis.zremrangebyscore(this.keys.instances, '-inf', now);
    const ids = await this.redis.zrange(this.keys.instances, 0, -1);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => this.keys.instance(id)));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as InstanceHeartbeat);
  }
}

function agreement(view: BreakerView, heartbeats: InstanceHeartbeat[]): BreakerAgreement {
  const result: BreakerAgreement = { reporting: 0, agreeing: 0, disagreeing: [] };
  for (const beat of heartbeats) {
    const held = beat.breakers[view.name];
    if (!held) continue;
    result.reporting += 1;
    if (held.state === view.state) result.agreeing += 1;
    else result.disagreeing.push({ instance: beat.instance, state: held.state });
  }
  return result;
}
