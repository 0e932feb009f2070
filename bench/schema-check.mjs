#!/usr/bin/env node
/**
 * `medicalcor schema check` (the CI form: migrations vs the committed snapshot, policy gates with
 * their behaviours) in fresh processes, as CI runs it, with no database server configured:
 *   warm: the model and behaviour proofs cached for these migration files (no database work);
 *   cold: the model cache emptied, the PGlite template tarball prepared (a changed migration);
 *   first: an empty cache directory (initdb into the tarball, once per PGlite version).
 * Each figure: median wall time, user+system CPU and max RSS of RUNS runs (via /usr/bin/time -v),
 * with `node -e 0` measured in the same run as the baseline. Goals (issue 19): warm <= 1.0 s and
 * <= 150 MiB, cold <= 5 s and <= 400 MiB on 2 cores.
 *
 *   npm run build && node bench/schema-check.mjs
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 5);
const cli = join(root, 'bin/medicalcor');

/** One fresh process under /usr/bin/time -v: wall ms, CPU ms, max RSS MiB. */
function measured(args, env) {
  const r = spawnSync('/usr/bin/time', ['-v', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  const field = (name) => {
    const line = r.stderr.split('\n').find((l) => l.trim().startsWith(name));
    return line ? line.slice(line.lastIndexOf(': ') + 2).trim() : '';
  };
  const [h, m, s] =
    field('Elapsed (wall clock) time').split(':').length === 3
      ? field('Elapsed (wall clock) time').split(':')
      : ['0', ...field('Elapsed (wall clock) time').split(':')];
  const wall = ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
  const cpu = (Number(field('User time (seconds)')) + Number(field('System time (seconds)'))) * 1000;
  return { wall, cpu, rss: Number(field('Maximum resident set size (kbytes)')) / 1024 };
}

const summary = (samples) => ({
  wall: median(samples.map((s) => s.wall)),
  cpu: median(samples.map((s) => s.cpu)),
  rss: median(samples.map((s) => s.rss)),
});
const show = (label, f, base) =>
  console.log(
    `${label.padEnd(34)} wall ${(f.wall / 1000).toFixed(2)} s (x${(f.wall / base.wall).toFixed(1)} node -e 0), CPU ${(f.cpu / 1000).toFixed(2)} s, max RSS ${f.rss.toFixed(0)} MiB`,
  );

const cache = mkdtempSync(join(tmpdir(), 'medicalcor-bench-schema-check-'));
const env = { XDG_CACHE_HOME: cache, CI: '1' };
const check = ['node', cli, 'schema', 'check'];
try {
  const first = measured(check, env);
  const baseline = [],
    warm = [],
    cold = [];
  for (let i = 0; i < RUNS; i++) {
    baseline.push(measured(['node', '-e', '0'], env));
    warm.push(measured(check, env));
    rmSync(join(cache, 'medicalcor', 'schema-models'), { recursive: true, force: true });
    cold.push(measured(check, env));
  }
  const base = summary(baseline);
  console.log(`schema check, fresh processes, median of ${RUNS} (machine shared with other work: see the baseline)\n`);
  show('node -e 0 (baseline)', base, base);
  show('warm (model cache hit)', summary(warm), base);
  show('cold (no model cache, template ready)', summary(cold), base);
  show('first run (empty cache directory)', first, base);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
