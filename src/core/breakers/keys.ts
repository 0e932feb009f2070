import { hashTagged } from '../redis/keys.js';

/**
 * Where breaker state lives in Redis. Every process (service pods and the CLI) derives the same
 * keys from the shared prefix, so they all read and steer one state. All of them share one hash
 * tag, so the transition script's keys sit in one Cluster slot.
 */
export interface BreakerKeys {
  state(name: string): string;
  log(name: string): string;
  names: string;
  channel: string;
  instances: string;
  instance(id: string): string;
  /** what every breaker key starts with (for SCAN and cleanup) */
  base: string;
}

export function breakerKeys(prefix: string): BreakerKeys {
  const base = hashTagged(prefix, 'breaker');
  return {
    base,
    state: (name) => `${base}state:${name}`,
    log: (name) => `${base}log:${name}`,
    names: `${base}names`,
    channel: `${base}events`,
    instances: `${base}instances`,
    instance: (id) => `${base}instance:${id}`,
  };
}

export const DEFAULT_KEY_PREFIX = 'medicalcor:';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export function isBreakerName(name: string): boolean {
  return NAME.test(name);
}
