// Runbook engine figures, each the median of several runs (interleaved, after a warm-up), spawning
// the built CLI (npm run build first):
//  - start-up of "runbook list" against "medicalcor --version" (the baseline, same run)
//  - a dry run and a recorded real run of a 20-step runbook of `true` steps, against spawning the
//    same 20 programs directly plus CLI start-up (the baselines): what the engine, the lock and the
//    audit rows (two writes per step) add per step.
// Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) for the real run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figure } from './lib/figures.mjs';
import { medianOfInterleaved, timeProcess } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin', 'medicalcor');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STEPS = 20;
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MEDICALCOR_'))),
  NO_COLOR: '1',
};

const cli =
  (args, extraEnv = {}, cwd = repo) =>
  () =>
    timeProcess(process.execPath, [bin, ...args], { cwd, env: { ...env, ...extraEnv } });

function spawnStepsDirectly() {
  const start = performance.now();
  for (let i = 0; i < STEPS; i++) spawnSync('true');
  return performance.now() - start;
}

// what each shell step's supervisor (an sh leading the step's process group) costs on its own
function spawnSupervisedDirectly() {
  const start = performance.now();
  for (let i = 0; i < STEPS; i++)
    spawnSync('/bin/sh', ['-c', '"$@" </dev/null & wait $!', 'step', 'true'], { detached: true });
  return performance.now() - start;
}

const project = mkdtempSync(join(tmpdir(), 'mc-bench-runbook-'));
const dbName = `mc_bench_runbook_${process.pid}`;
const psql = (sql) =>
  execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-qAtc', sql], { env });
try {
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(join(project, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');
  const steps = Array.from(
    { length: STEPS },
    (_, i) => `  - { id: s${i}, kind: shell, mutates: ${i % 2 === 1}, command: [true] }`,
  ).join('\n');
  writeFileSync(join(project, 'runbooks', 'bench.yaml'), `id: bench\ntitle: Bench\nsteps:\n${steps}\n`);

  psql(`drop database if exists ${dbName}`);
  psql(`create database ${dbName}`);
  const url = `postgres://postgres@127.0.0.1:5432/${dbName}?sslmode=disable`;
  execFileSync(
    join(repo, 'node_modules', '@dbmate', `${process.platform}-${process.arch}`, 'bin', 'dbmate'),
    ['--migrations-dir', join(repo, 'src', 'migrations'), '--no-dump-schema', 'migrate'],
    { env: { ...env, DATABASE_URL: url } },
  );
  const dbEnv = { MEDICALCOR_DATABASE_URL: url };

  const { version, list, direct, supervised, dry, real } = medianOfInterleaved(
    {
      version: cli(['--version']),
      list: cli(['runbook', 'list'], {}, project),
      direct: spawnStepsDirectly,
      supervised: spawnSupervisedDirectly,
      dry: cli(['runbook', 'run', 'bench'], dbEnv, project),
      real: cli(['runbook', 'run', 'bench', '--execute'], dbEnv, project),
    },
    RUNS,
  );

  const ms = (x) => `${x.toFixed(0)} ms`;
  console.log(`runs per figure (median of): ${RUNS}`);
  console.log(`medicalcor --version (baseline):            ${ms(version)}`);
  console.log(`medicalcor runbook list (9 runbooks):       ${ms(list)}  (${(list / version).toFixed(2)}x baseline)`);
  console.log(`${STEPS} programs spawned directly (baseline):  ${ms(direct)}`);
  console.log(
    `${STEPS} programs under an sh supervisor, directly: ${ms(supervised)}  (what the process-group supervisors add)`,
  );
  console.log(`runbook run, dry (${STEPS / 2} of ${STEPS} steps run):    ${ms(dry)}`);
  const perStep = (real - version - direct) / STEPS;
  console.log(`runbook run --execute (${STEPS} steps, audited): ${ms(real)}`);
  console.log(`  ${perStep.toFixed(1)} ms per step over start-up + direct spawns (connect, lease, audit, supervisor)`);
  const shape = `one runbook of ${STEPS} shell steps running true, half of them mutating`;
  figure('runbook.list-over-version-ratio', list / version, { unit: '× --version', shape: '9 shipped runbooks' });
  figure('runbook.execute-per-step-ms', perStep, { unit: 'ms', shape });
} finally {
  rmSync(project, { recursive: true, force: true });
  try {
    psql(`drop database if exists ${dbName} with (force)`);
  } catch {}
}
