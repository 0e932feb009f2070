// Start-up cost of help and completion, as ratios to `node -e 0` measured in the same run (medians
// of interleaved runs on fresh processes): every help screen (`--help`, every noun's and every
// verb's `--help`, `help <noun>`), and what one TAB costs with the completion script (on a noun, on
// a verb, on a verb's options). Command paths are discovered from the CLI itself (`medicalcor
// __complete ...`), so commands added later are measured without editing this file.
//
// After npm run build, bin/medicalcor answers help and TAB from dist/help/ (text rendered at build
// time, src/commands/help-fast.ts) before the shell loads. Two copies of the package in the same
// run give the older paths: without dist/help/ (the shell rebuilds the noun from dist/help.json)
// and without both (the shell imports the noun's module). Each run reports its wall time, its CPU
// time (user + system) and what it loaded (Node's own modules compiled, files required), via
// bench/lib/cpu-at-exit.cjs preloaded into every process, the baseline included: on a busy machine
// the wall time mostly measures the wait for a core, the CPU time and the counts what a start costs.
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
if (!existsSync(join(root, 'dist', 'help', 'complete.json')))
  throw new Error('dist/help/ is missing: run npm run build first');
const complete = (...words) =>
  execFileSync(process.execPath, [bin, '__complete', ...words], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

// the same package without its screens (the shell renders from dist/help.json), and without both
// (every noun's help imports the noun's module)
const copies = [];
function copyWithout(...parts) {
  const copy = mkdtempSync(join(tmpdir(), 'mc-bench-startup-'));
  for (const part of ['bin', 'dist', 'package.json']) cpSync(join(root, part), join(copy, part), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  for (const part of parts) rmSync(join(copy, 'dist', part), { recursive: true, force: true });
  copies.push(copy);
  return join(copy, 'bin', 'medicalcor');
}
const manifestBin = copyWithout('help');
const moduleBin = copyWithout('help', 'help.json');

/** Every command path under `words` (nouns, their verbs, and deeper), from the CLI's own completion. */
function pathsUnder(words) {
  return complete(...words, '')
    .filter((name) => name !== 'completion' && !name.startsWith('-'))
    .flatMap((name) => [[...words, name], ...pathsUnder([...words, name])]);
}
const paths = pathsUnder([]);
const commands = { 'node -e 0 (baseline)': ['-e', '0'], 'medicalcor --help': [bin, '--help'] };
for (const path of paths) commands[`medicalcor ${path.join(' ')} --help`] = [bin, ...path, '--help'];
for (const path of paths.filter((p) => p.length === 1)) commands[`medicalcor help ${path[0]}`] = [bin, 'help', ...path];
commands['TAB after "medicalcor mi"'] = [bin, '__complete', 'mi'];
commands['TAB after "medicalcor migrate "'] = [bin, '__complete', 'migrate', ''];
commands['TAB after "medicalcor migrate up --"'] = [bin, '__complete', 'migrate', 'up', '--'];
const slow = {
  'shell from dist/help.json: medicalcor migrate up --help': [manifestBin, 'migrate', 'up', '--help'],
  'shell from dist/help.json: TAB after "medicalcor migrate "': [manifestBin, '__complete', 'migrate', ''],
  'shell, module loaded: medicalcor migrate up --help': [moduleBin, 'migrate', 'up', '--help'],
  'shell, module loaded: TAB after "medicalcor migrate "': [moduleBin, '__complete', 'migrate', ''],
};

/** One fresh process: its wall time and its own CPU time in ms, and what it loaded. */
function measure(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['-r', preload, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const wall = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const [cpu, builtins, files] = String(result.output[3]).trim().split(' ').map(Number);
  return { wall, cpu: cpu / 1000, builtins, files };
}

const all = { ...commands, ...Object.fromEntries(Object.entries(slow).map(([name, args]) => [`slow: ${name}`, args])) };
const samples = Object.fromEntries(Object.keys(all).map((name) => [name, { wall: [], cpu: [], loaded: '' }]));
const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
for (const args of Object.values(all)) measure(args);
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(all)) {
    const { wall, cpu, builtins, files } = measure(args);
    samples[name].wall.push(wall);
    samples[name].cpu.push(cpu);
    samples[name].loaded = `${builtins} + ${files}`;
  }
}
const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
for (const copy of copies) rmSync(copy, { recursive: true, force: true });

const result = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [name, { wall: median(s.wall), cpu: median(s.cpu), loaded: s.loaded }]),
);
const base = result['node -e 0 (baseline)'];
const width = Math.max(...Object.keys(all).map((name) => name.length)) + 2;
const row = (name, label = name) => {
  const { wall, cpu, loaded } = result[name];
  const figure = (ms, baseline, pad) => `${ms.toFixed(1).padStart(pad)} ms ×${(ms / baseline).toFixed(2)}`;
  return `${`${label}:`.padEnd(width)}${figure(wall, base.wall, 7)}   ${figure(cpu, base.cpu, 6)}   ${loaded}`;
};
console.log(
  `${''.padEnd(width)}${'wall'.padStart(10)}  ratio   ${'CPU'.padStart(9)}  ratio   loaded (Node modules + files)`,
);
for (const name of Object.keys(commands)) console.log(row(name));
console.log('the older paths (copies of the package, same run):');
for (const name of Object.keys(slow)) console.log(row(`slow: ${name}`, `  ${name}`));
const helps = Object.keys(commands).filter((name) => name.startsWith('medicalcor ') || name.startsWith('TAB '));
for (const metric of ['wall', 'cpu']) {
  const worst = helps.reduce((a, b) => (result[a][metric] >= result[b][metric] ? a : b));
  const ratio = (result[worst][metric] / base[metric]).toFixed(2);
  console.log(`worst of ${helps.length} screens by ${metric}: ${worst} ×${ratio} (goal: every --help ≤ ×1.3)`);
  figure(`startup.worst-help-${metric}-ratio`, Number(ratio), { unit: '× node -e 0', goal: 1.3, shape: worst });
}
for (const name of helps) {
  figure(`startup.help-ratio.${name}`, Number((result[name].cpu / base.cpu).toFixed(3)), {
    unit: '× node -e 0 (CPU)',
    goal: 1.3,
    shape: `loaded ${result[name].loaded} (node -e 0: ${base.loaded})`,
  });
}
console.log(
  `(medians of ${runs} interleaved runs each, fresh processes; load average ${loadBefore} before, ${loadAfter} after)`,
);
