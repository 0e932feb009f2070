import { delimiter, dirname, resolve } from 'node:path';

/**
 * The directories from `cwd` upward that a search may look in: up to the filesystem root, or up to
 * (not into) a directory of MEDICALCOR_CEILING_DIRECTORIES, as GIT_CEILING_DIRECTORIES stops git, so
 * a project under a shared directory such as /tmp never adopts a stray /tmp/.medicalcor.
 */
export function* searchUpward(cwd: string, env: NodeJS.ProcessEnv): Generator<string> {
  const ceilings = new Set(
    (env.MEDICALCOR_CEILING_DIRECTORIES ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => resolve(d)),
  );
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (ceilings.has(dir) && dir !== resolve(cwd)) return;
    yield dir;
    if (dirname(dir) === dir) return;
  }
}
