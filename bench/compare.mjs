// Reruns the bench set and prints every figure against the one recorded in bench/figures.json:
// a regression is a figure worse than recorded by more than the tolerance, or past its goal.
//   node bench/compare.mjs [--tolerance 0.25] [--record] [script-name-filter ...]
// --record writes this run's figures into bench/figures.json (after a reviewed improvement).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordedRuns } from './lib/figures.mjs';
import { median, timeProcess } from './lib/measure.mjs';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const toleranceAt = args.indexOf('--tolerance');
const tolerance = toleranceAt >= 0 ? Number(args[toleranceAt + 1]) : 0.25;
const record = args.includes('--record');
const filters = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--tolerance');

const recordedFile = join(dir, 'figures.json');
const recorded = existsSync(recordedFile) ? JSON.parse(readFileSync(recordedFile, 'utf8')) : { figures: {} };
const out = join(mkdtempSync(join(tmpdir(), 'mc-bench-')), 'figures.jsonl');
writeFileSync(out, '');
// the machine's load, in the terms every ratio uses: a fresh `node -e 0`, before and after the set
const nodeStart = () => median(Array.from({ length: 11 }, () => timeProcess(process.execPath, ['-e', '0'])));
const machineBefore = { nodeE0Ms: nodeStart(), loadavg: loadavg()[0] };
const run = spawnSync(process.execPath, [join(dir, 'run-all.mjs'), ...filters], {
  stdio: 'inherit',
  env: { ...process.env, BENCH_FIGURES: out },
});

const machine = {
  cpus: cpus().length,
  nodeE0MsBefore: +machineBefore.nodeE0Ms.toFixed(1),
  nodeE0MsAfter: +nodeStart().toFixed(1),
  loadavgBefore: +machineBefore.loadavg.toFixed(2),
  loadavgAfter: +loadavg()[0].toFixed(2),
};
console.log(`\nmachine: ${JSON.stringify(machine)}`);
const measured = readFileSync(out, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
let regressions = 0;
const rows = measured.map((m) => {
  // a figure a script could not measure (NaN, written to JSON as null) is a failure, never recorded
  if (!Number.isFinite(m.value)) {
    regressions++;
    return { figure: m.name, now: 'no value', recorded: '', change: '', goal: '', verdict: 'NOT MEASURED' };
  }
  const before = recorded.figures[m.name];
  const worse = (a, b) => (m.better === 'higher' ? a < b : a > b);
  const pastGoal = m.goal !== null && worse(m.value, m.goal);
  // an overhead recorded at or under zero (none, within the noise) is held to its goal alone; one below a
  // tenth of its goal drifts against that tenth, not against a recorded value of about nothing
  const goalScale = Math.abs(m.goal ?? 0);
  const scale = before && (before.value > 0 ? Math.max(before.value, goalScale / 10) : m.better === 'higher' ? 1 : 0);
  const drift = before && scale ? (m.value - before.value) / scale : 0;
  const regressed = pastGoal || (before && worse(m.value, before.value) && Math.abs(drift) > tolerance);
  if (regressed) regressions++;
  return {
    figure: m.name,
    now: `${+m.value.toFixed(3)} ${m.unit}`.trim(),
    recorded: before ? `${+before.value.toFixed(3)} ${m.unit}`.trim() : '(none)',
    change: before && scale ? `${drift >= 0 ? '+' : ''}${(drift * 100).toFixed(0)} %` : '',
    goal: m.goal === null ? '' : `${m.better === 'higher' ? '≥' : '≤'} ${m.goal}`,
    verdict: regressed ? (pastGoal ? 'REGRESSION (past goal)' : 'REGRESSION') : 'ok',
  };
});
console.log('\n## compare against bench/figures.json');
console.table(rows);
if (record) {
  // each figure names the run it was recorded in, and each run keeps its date and machine load, so
  // recording a few scripts again never re-dates the rest
  const runs = recordedRuns(recorded);
  const run = Math.max(0, ...runs.map((r) => r.id)) + 1;
  const figures = { ...recorded.figures };
  for (const m of measured.filter((f) => Number.isFinite(f.value))) {
    figures[m.name] = { value: m.value, unit: m.unit, goal: m.goal, better: m.better, shape: m.shape, run };
  }
  runs.push({ id: run, recordedAt: new Date().toISOString(), machine });
  const used = new Set(Object.values(figures).map((f) => f.run));
  writeFileSync(recordedFile, `${JSON.stringify({ runs: runs.filter((r) => used.has(r.id)), figures }, null, 2)}\n`);
  console.log(`recorded ${measured.length} figures in bench/figures.json (run ${run})`);
}
console.log(`${regressions} regression(s) in ${measured.length} figures (tolerance ${tolerance * 100} %)`);
process.exitCode = regressions || run.status ? 1 : 0;
