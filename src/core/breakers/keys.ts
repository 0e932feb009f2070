/**
 * Where breaker state lives in Redis. Every process (service pods and the CLI) derives the same
 * keys from the shared prefix, so they all read and steer one state.
 */
export interface BreakerKeys {
  state(name: string): string;
  log(name: string): string;
  names: string;
  channel: string;
  instances: string;
  instance(id: string): string;
}

export function breakerKeys(prefix: string): BreakerKeys {
  return {
    state: (name) => `${prefix}breaker:state:${name}`,
    log: (name) => `${prefix}breaker:log:${name}`,
    names: `${prefix}breaker:names`,
    channel: `${prefix}breaker:events`,
    instances: `${prefix}breaker:instances`,
    instance: (id) => `${prefix}breaker:instance:${id}`,
  };
}

export const DEFAULT_KEY_PREFIX = 'medicalcor:';

const NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/i;

export function isBreakerName(name: string): boolean {
  return NAME.test(name);
}
