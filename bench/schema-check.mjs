#!/usr/bin/env node
/**
 * `medicalcor schema check` (the CI form: migrations vs the committed snapshot, policy gates with
 * their behaviours) in fresh processes, as CI runs it, with no database server configured:
 *   warm: the model and behaviour proofs cached for these migration files (no database work);
 *   cold: the model cache emptied, the PGlite template tarball prepared (a changed migration);
 *   first: an empty cache directory (initdb into the tarball, once per PGlite version).
 * Each figure: the median wall time, user+system CPU and max RSS (/usr/bin/time; the RSS of the
 * largest process, dbmate being a child) of RUNS runs (FIRST_RUNS for the first run), with
 * `node -e 0` measured in the same run as the baseline. Goals (issue 19): warm <= 1.0 s and
 * <= 150 MiB, cold <= 5 s and <= 400 MiB on 2 cores.
 *
 *   npm run build && node bench/schema-check.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure } from './lib/figures.mjs';
import { median } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 5);
const FIRST_RUNS = Number(process.env.FIRST_RUNS ?? 3);
const cli = join(root, 'bin/medicalcor');
const migrations = join(root, 'src/migrations');

/** One fresh process under /usr/bin/time: wall s, CPU s (user + system), max RSS MiB, stdout. */
function measured(args, env) {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCH-TIME %e %U %S %M', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const line = r.stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('BENCH-TIME '));
  const [wall, user, system, kib] = line.split(' ').slice(1).map(Number);
  return { wall, cpu: user + system, rss: kib / 1024, stdout: r.stdout };
}

/** A check run, with what its JSON says about the cache (a warm run that missed it is no warm run). */
function checked(env, expectCached) {
  const run = measured(['node', cli, 'schema', 'check', '-o', 'json'], env);
  const json = JSON.parse(run.stdout);
  if (!json.ok || json.cached !== expectCached)
    throw new Error(`schema check: ok ${json.ok}, cached ${json.cached} (expected ${expectCached})`);
  return { ...run, behaviours: json.behavioursProved };
}

const summary = (samples) => ({
  wall: median(samples.map((s) => s.wall)),
  cpu: median(samples.map((s) => s.cpu)),
  rss: median(samples.map((s) => s.rss)),
});

const files = readdirSync(migrations).filter((n) => n.endsWith('.sql')).length;
const objects = Object.keys(JSON.parse(readFileSync(join(migrations, 'schema.snapshot.json'), 'utf8')).objects).length;

const caches = [];
const freshCache = () => {
  const dir = mkdtempSync(join(tmpdir(), 'medicalcor-bench-schema-check-'));
  caches.push(dir);
  return { XDG_CACHE_HOME: dir, CI: '1' };
};
try {
  const baseline = [];
  const warm = [];
  const cold = [];
  const first = [];
  for (let i = 0; i < FIRST_RUNS; i++) first.push(checked(freshCache(), false));
  const env = freshCache();
  checked(env, false);
  for (let i = 0; i < RUNS; i++) {
    baseline.push(measured(['node', '-e', '0'], env));
    warm.push(checked(env, true));
    rmSync(join(env.XDG_CACHE_HOME, 'medicalcor', 'schema-models'), { recursive: true, force: true });
    cold.push(checked(env, false));
  }
  const base = summary(baseline);
  const shape =
    `shipped migrations (${files} files, ${objects} objects) vs the committed snapshot, ` +
    `patient-data policy with ${first[0].behaviours} behaviours; no server (embedded PGlite shadow); ` +
    `fresh processes, median of ${RUNS} (first run: ${FIRST_RUNS}); ` +
    `node -e 0 ${base.wall.toFixed(2)} s wall, ${base.cpu.toFixed(2)} s CPU`;
  console.log(`schema check, ${shape}\n`);
  const show = (label, f) =>
    console.log(
      `${label.padEnd(38)} wall ${f.wall.toFixed(2)} s (x${(f.wall / base.wall).toFixed(1)} node -e 0), ` +
        `CPU ${f.cpu.toFixed(2)} s, max RSS ${f.rss.toFixed(0)} MiB`,
    );
  show('node -e 0 (baseline)', base);
  const [w, c, f] = [summary(warm), summary(cold), summary(first)];
  show('warm (model cache hit)', w);
  show('cold (no model cache, template ready)', c);
  show('first run (empty cache directory)', f);
  console.log('');
  const report = (name, value, unit, goal) => figure(name, Number(value.toFixed(3)), { unit, goal, shape });
  report('schema.check-warm-s', w.wall, 's', 1);
  report('schema.check-warm-cpu-s', w.cpu, 's');
  report('schema.check-warm-mib', w.rss, 'MiB', 150);
  report('schema.check-cold-s', c.wall, 's', 5);
  report('schema.check-cold-cpu-s', c.cpu, 's');
  report('schema.check-cold-mib', c.rss, 'MiB', 400);
  report('schema.check-first-s', f.wall, 's');
  report('schema.check-first-cpu-s', f.cpu, 's');
  report('schema.check-first-mib', f.rss, 'MiB');
} finally {
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
}
