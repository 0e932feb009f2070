// Runs every bench script in this directory in turn (npm run bench); each prints its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(dir)
  .filter(
    (f) =>
      f.endsWith('.mjs') &&
      f !== 'run-all.mjs' &&
      f !== 'compare.mjs' &&
      f !== 'report.mjs' &&
      (only.length === 0 || only.some((o) => f.includes(o))),
  )
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n## ${script}`);
  const result = spawnSync(process.execPath, [`${dir}${script}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
