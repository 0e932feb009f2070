import { Chalk, type ChalkInstance } from 'chalk';

export interface ColorInputs {
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** false when --no-color was given */
  colorFlag?: boolean;
}

/**
 * Decided once per process and passed to every renderer: chalk ignores NO_COLOR and cli-table3
 * colours even when piped, so neither may decide for itself.
 */
export function decideColor({ isTTY, env, colorFlag }: ColorInputs): boolean {
  if (colorFlag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function makeChalk(color: boolean): ChalkInstance {
  return new Chalk({ level: color ? 1 : 0 });
}
