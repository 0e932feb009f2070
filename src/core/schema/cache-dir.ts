import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the prepared PGlite data directory for shadow databases is kept: $XDG_CACHE_HOME/medicalcor,
 * else ~/.cache/medicalcor. The environment is passed in (core does not read process.env).
 */
export function defaultCacheDir(env: Record<string, string | undefined> = {}): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'medicalcor');
}
