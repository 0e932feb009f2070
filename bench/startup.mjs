// Start-up cost of the shell, as ratios to `node -e 0` measured in the same run (medians of
// interleaved runs on fresh processes): `--help`, every noun's `--help`, one verb's `--help` per
// noun, and what one TAB costs with the completion script (on a noun, on a verb, on a verb's
// options). Nouns and verbs are discovered from the CLI itself (`medicalcor __complete ...`), so
// commands added later are measured without editing this file.
//
// With dist/help.json (npm run build) help and completion are answered without importing the
// noun's module (src/commands/help-manifest.ts); a copy of the package without that file gives
// the slow path in the same run. Each run reports its wall time and its CPU time (user + system,
// via bench/lib/cpu-at-exit.cjs): on a busy machine the wall time mostly measures the wait for a
// core, the CPU time what the start costs.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './lib/measure.mjs';
import { figure } from './lib/figures.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'medicalcor');
const preload = join(root, 'bench', 'lib', 'cpu-at-exit.cjs');
const runs = Number(process.env.RUNS ?? 11);
if (!existsSync(join(root, 'dist', 'help.json'))) throw new Error('dist/help.json is missing: run npm run build first');
const complete = (...words) =>
  execFileSync(process.execPath, [bin, '__complete', ...words], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

// the same package without its help manifest: every noun's help imports the noun's module
const copy = mkdtempSync(join(tmpdir(), 'mc-bench-startup-'));
for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(copy, part), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
rmSync(join(copy, 'dist', 'help.json'));
const slowBin = join(copy, 'bin', 'medicalcor');

const commands = { 'node -e 0 (baseline)': ['-e', '0'], 'medicalcor --help': [bin, '--help'] };
for (const noun of complete('').filter((name) => name !== 'completion')) {
  commands[`medicalcor ${noun} --help`] = [bin, noun, '--help'];
  const [verb] = complete(noun, '');
  if (verb) commands[`medicalcor ${noun} ${verb} --help`] = [bin, noun, verb, '--help'];
}
commands['TAB after "medicalcor mi"'] = [bin, '__complete', 'mi'];
commands['TAB after "medicalcor migrate "'] = [bin, '__complete', 'migrate', ''];
commands['TAB after "medicalcor migrate up --"'] = [bin, '__complete', 'migrate', 'up', '--'];
const slow = {
  'medicalcor migrate --help': [slowBin, 'migrate', '--help'],
  'medicalcor migrate up --help': [slowBin, 'migrate', 'up', '--help'],
  'TAB after "medicalcor migrate "': [slowBin, '__complete', 'migrate', ''],
};

/** One fresh process: its wall time and its own CPU time, in ms. */
function measure(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-r', preload, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { wall, cpu: Number(String(result.output[3]).trim()) / 1000 };
}

const all = { ...commands, ...Object.fromEntries(Object.entries(slow).map(([name, args]) => [`slow: ${name}`, args])) };
const samples = Object.fromEntries(Object.keys(all).map((name) => [name, { wall: [], cpu: [] }]));
const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
for (const args of Object.values(all)) measure(args);
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(all)) {
    const { wall, cpu } = measure(args);
    samples[name].wall.push(wall);
    samples[name].cpu.push(cpu);
  }
}
const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
rmSync(copy, { recursive: true, force: true });

const result = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [name, { wall: median(s.wall), cpu: median(s.cpu) }]),
);
const base = result['node -e 0 (baseline)'];
const width = Math.max(...Object.keys(all).map((name) => name.length)) + 2;
const row = (name, label = name) => {
  const { wall, cpu } = result[name];
  const figure = (ms, baseline, pad) => `${ms.toFixed(1).padStart(pad)} ms ×${(ms / baseline).toFixed(2)}`;
  return `${`${label}:`.padEnd(width)}${figure(wall, base.wall, 7)}   ${figure(cpu, base.cpu, 6)}`;
};
console.log(`${''.padEnd(width)}${'wall'.padStart(10)}  ratio   ${'CPU'.padStart(9)}  ratio`);
for (const name of Object.keys(commands)) console.log(row(name));
console.log('without dist/help.json (the slow path, same run):');
for (const name of Object.keys(slow)) console.log(row(`slow: ${name}`, `  ${name}`));
const helps = Object.keys(commands).filter((name) => name.endsWith('--help'));
for (const metric of ['wall', 'cpu']) {
  const worst = helps.reduce((a, b) => (result[a][metric] >= result[b][metric] ? a : b));
  const ratio = (result[worst][metric] / base[metric]).toFixed(2);
  console.log(`worst --help by ${metric}: ${worst} ×${ratio} (goal: every --help ≤ ×1.3)`);
  figure(`startup.worst-help-${metric}-ratio`, Number(ratio), { unit: '× node -e 0', goal: 1.3, shape: worst });
}
for (const name of helps) {
  figure(`startup.help-ratio.${name}`, Number((result[name].cpu / base.cpu).toFixed(3)), {
    unit: '× node -e 0 (CPU)',
    goal: 1.3,
  });
}
console.log(
  `(medians of ${runs} interleaved runs each, fresh processes; load average ${loadBefore} before, ${loadAfter} after)`,
);
