import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own directory (dist/.. or src/core/config/../../..), for shipped migrations and runbooks. */
export function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('/dist') && !dir.endsWith('/src') && dirname(dir) !== dir) dir = dirname(dir);
  return dirname(dir);
}
