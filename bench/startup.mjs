// Start-up cost of the shell, as ratios to `node -e 0` measured in the same run (medians of
// interleaved runs on fresh processes): `--help`, every noun's `--help`, one verb's `--help` per
// noun, and what one TAB costs with the completion script (on a noun, and on a verb). Nouns and
// verbs are discovered from the CLI itself (`medicalcor __complete ...`), so commands added later
// are measured without editing this file. With dist/help.json (npm run build) a noun's help and
// completion are answered without importing its module (src/commands/help-manifest.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const bin = fileURLToPath(new URL('../bin/medicalcor', import.meta.url));
const manifest = fileURLToPath(new URL('../dist/help.json', import.meta.url));
const runs = Number(process.env.RUNS ?? 11);
const complete = (...words) => execFileSync(process.execPath, [bin, '__complete', ...words], { encoding: 'utf8' }).split('\n').filter(Boolean);

const nouns = complete('').filter((noun) => noun !== 'completion');
const commands = { node: [null, ['-e', '0']], '--help': [bin, ['--help']] };
for (const noun of nouns) {
  commands[`${noun} --help`] = [bin, [noun, '--help']];
  const [verb] = complete(noun, '');
  if (verb) commands[`${noun} ${verb} --help`] = [bin, [noun, verb, '--help']];
}
commands['TAB after "medicalcor mi"'] = [bin, ['__complete', 'mi']];
commands['TAB after "medicalcor migrate "'] = [bin, ['__complete', 'migrate', '']];
commands['TAB after "medicalcor migrate up --"'] = [bin, ['__complete', 'migrate', 'up', '--']];

const result = medianOfInterleaved(
  Object.fromEntries(Object.entries(commands).map(([name, [file, args]]) => [name, () => timeProcess(process.execPath, file ? [file, ...args] : args)])),
  runs,
);
const width = Math.max(...Object.keys(commands).map((name) => name.length)) + 14;
const ratio = (ms) => ms / result.node;
console.log(`${'node -e 0 (baseline):'.padEnd(width)}${fmt(result.node)}`);
for (const name of Object.keys(commands).filter((n) => n !== 'node')) {
  const label = name.startsWith('TAB') ? `${name}:` : `medicalcor ${name}:`;
  console.log(`${label.padEnd(width)}${fmt(result[name]).padStart(9)}  ×${ratio(result[name]).toFixed(2)}`);
}
const helps = Object.keys(commands).filter((n) => n.endsWith('--help'));
const worst = helps.reduce((a, b) => (ratio(result[a]) >= ratio(result[b]) ? a : b));
console.log(`worst --help: medicalcor ${worst} ×${ratio(result[worst]).toFixed(2)} (goal: every --help ≤ ×1.3)`);
console.log(`(medians of ${runs} interleaved runs each, fresh processes; help manifest ${existsSync(manifest) ? 'present' : 'ABSENT: run npm run build'})`);
