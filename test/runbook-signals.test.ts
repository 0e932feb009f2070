/**
 * `runbook run --execute` stopped by SIGINT, SIGTERM, SIGHUP and SIGKILL while a step's
 * `sh -c` grandchild is working, as a real child process against PostgreSQL 15. Afterwards:
 * no process of the step's group is left, the grandchild never finishes the step, the lease and
 * the audit rows say what happened, and `resume` continues from the step in flight only once
 * someone said whether it completed. States are asserted, never wall time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;
let project: string;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cli = (args: string[]) => runInProcess(args, { cwd: project, env: { MEDICALCOR_DATABASE_URL: db.url } });

function writeRunbook(id: string, yaml: string): void {
  writeFileSync(join(project, 'runbooks', `${id}.yaml`), yaml);
}

/** A runbook whose second step starts a grandchild that would write "grandchild-end" 4 s later. */
function signalRunbook(id: string): { log: string; started: string } {
  const log = join(project, `${id}.log`);
  const started = join(project, `${id}.started`);
  const append = (text: string) => `[sh, -c, 'echo "$2" >> "$1"', _, '${log}', '${text}']`;
  writeRunbook(
    id,
    `
id: ${id}
title: Signals
steps:
  - { id: first, kind: shell, mutates: true, command: ${append('first')} }
  - id: grandchild
    kind: shell
    mutates: true
    command: [sh, -c, 'echo grandchild-start >> "$1"; touch "$2"; sleep 4; echo grandchild-end >> "$1"', _, '${log}',
        '${started}']
  - { id: after, kind: shell, mutates: true, command: ${append('after')} }
`,
  );
  return { log, started };
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

/** The process group of the running `sh -c` of a step, found by the file it touches. */
function groupOf(started: string): string | undefined {
  try {
    const pid = execFileSync('pgrep', ['-f', started], { encoding: 'utf8' }).split('\n').find(Boolean);
    return pid ? execFileSync('ps', ['-o', 'pgid=', '-p', pid], { encoding: 'utf8' }).trim() : undefined;
  } catch {
    return undefined;
  }
}

function processesNaming(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function membersOf(pgid: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g]) => g === pgid)
    .map(([pid]) => pid!);
}

async function waitFor(check: () => boolean, tries = 400): Promise<boolean> {
  for (let i = 0; i < tries && !check(); i++) await pause(50);
  return check();
}

async function runRows(runbookId: string) {
  const { rows } = await db.pool.query(
    `select id, status, holder_pid, holder_host, error from runbook_runs where runbook_id = $1 order by started_at`,
    [runbookId],
  );
  return rows as { id: string; status: string; holder_pid: string; holder_host: string; error: string | null }[];
}

async function stepRows(runId: string) {
  const { rows } = await db.pool.query(
    `select step_id, status from runbook_step_runs where run_id = $1 and phase = 'execute' order by step_index`,
    [runId],
  );
  return rows.map((r) => `${r.step_id}:${r.status}`);
}

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook_signals');
  await applySchema(db.url);
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-signals-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(join(project, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');
});

afterAll(async () => {
  await db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Starts a real run, waits until the grandchild works, sends the signal; returns what is left. */
async function interruptDuringGrandchild(id: string, signal: NodeJS.Signals) {
  const { log, started } = signalRunbook(id);
  const child = spawnCli(['runbook', 'run', id, '--execute', '--actor', 'sig-test'], {
    cwd: project,
    env: { MEDICALCOR_DATABASE_URL: db.url },
  });
  expect(await waitFor(() => existsSync(started))).toBe(true);
  const pgid = groupOf(started);
  expect(pgid).toBeTruthy();
  child.kill(signal);
  const result = await child;
  // the group is ended by the CLI (or, after kill -9, by the supervisor that saw its pipe close)
  expect(await waitFor(() => membersOf(pgid!).length === 0)).toBe(true);
  await pause(5_000); // longer than the grandchild's sleep: had it survived, it would have written its line
  return { result, log, pid: child.pid! };
}

describe('runbook run --execute under signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} during a step with a grandchild: exit 130, group ` +
      `ended, run interrupted, resume continues at that step`, async () => {
      const id = `sig-${signal.toLowerCase()}`;
      const { result, log } = await interruptDuringGrandchild(id, signal);
      expect(result.exitCode).toBe(130);
      expect(result.stderr).toContain(`runbook resume`);
      expect(result.stderr).not.toContain('unexpected');
      expect(lines(log)).toEqual(['first', 'grandchild-start']);
      const [run] = await runRows(id);
      expect(run).toMatchObject({ status: 'interrupted' });
      expect(await stepRows(run!.id)).toEqual(['first:succeeded', 'grandchild:interrupted']);

      // the interrupted step changes things and has no verify: without a terminal, nobody can say whether it completed
      const refused = await cli(['runbook', 'resume', run!.id]);
      expect(refused.exitCode).toBe(2);
      expect(refused.stderr).toContain('step 2 "grandchild" changes things and was in flight');
      expect(refused.stderr).toContain('--in-flight done');
      expect(lines(log)).toEqual(['first', 'grandchild-start']);

      const resumed = await cli(['runbook', 'resume', run!.id, '--in-flight', 'not-done', '-o', 'json']);
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      const report = JSON.parse(resumed.stdout);
      expect(report.steps.map((s: { status: string }) => s.status)).toEqual(['done_earlier', 'succeeded', 'succeeded']);
      // step 1 ran once; step 2 ran again because the operator said it had not completed
      expect(lines(log)).toEqual(['first', 'grandchild-start', 'grandchild-start', 'grandchild-end', 'after']);
    }, 120_000);
  }

  it('SIGKILL of the runner: the grandchild is ended by its supervisor, ' +
    'the lease names the dead runner and is taken over', async () => {
    const id = 'sig-kill';
    const { result, log, pid } = await interruptDuringGrandchild(id, 'SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    // the grandchild did not finish the step on its own
    expect(lines(log)).toEqual(['first', 'grandchild-start']);
    const [run] = await runRows(id);
    expect(run).toMatchObject({ status: 'running', holder_pid: String(pid), holder_host: hostname() });
    expect(await stepRows(run!.id)).toEqual(['first:succeeded', 'grandchild:running']);

    const refused = await cli(['runbook', 'resume', run!.id]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('was in flight when the run stopped');
    // the dead runner's lease was taken over: the run is closed as interrupted, saying why
    const [closed] = await runRows(id);
    expect(closed!.status).toBe('interrupted');
    expect(closed!.error).toContain(`pid ${pid} on ${hostname()}`);

    const resumed = await cli(['runbook', 'resume', run!.id, '--in-flight', 'done', '-o', 'json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual([
      'done_earlier',
      'done_earlier',
      'succeeded',
    ]);
    // the operator said step 2 completed: it was not run again
    expect(lines(log)).toEqual(['first', 'grandchild-start', 'after']);
    const rows = await runRows(id);
    expect(rows.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    expect(await stepRows(rows[1]!.id)).toEqual(['grandchild:succeeded', 'after:succeeded']);
  }, 120_000);

  it('a new run takes over the lease of a runner killed with -9 instead of waiting forever', async () => {
    const id = 'sig-kill-new-run';
    const { result, log } = await interruptDuringGrandchild(id, 'SIGKILL');
    expect(result.signal).toBe('SIGKILL');
    const again = await cli(['runbook', 'run', id, '--execute', '-o', 'json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(lines(log)).toEqual(['first', 'grandchild-start', 'first', 'grandchild-start', 'grandchild-end', 'after']);
    expect((await runRows(id)).map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
  }, 120_000);

  it('a step with a verify: resume after kill -9 asks the verify whether the step in flight completed', async () => {
    const id = 'sig-verify';
    const log = join(project, `${id}.log`);
    const started = join(project, `${id}.started`);
    const done = join(project, `${id}.done`);
    writeRunbook(
      id,
      `
id: ${id}
title: Verify decides
steps:
  - id: change
    kind: shell
    mutates: true
    command: [sh, -c, 'echo change-start >> "$1"; touch "$2"; sleep 4; echo change-end >> "$1"', _, '${log}',
        '${started}']
    verify: { kind: shell, command: [test, -f, '${done}'] }
  - { id: after, kind: shell, mutates: true, command: [sh, -c, 'echo after >> "$1"', _, '${log}'] }
`,
    );
    const child = spawnCli(['runbook', 'run', id, '--execute'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(await waitFor(() => existsSync(started))).toBe(true);
    child.kill('SIGKILL');
    await child;
    await pause(5_000);
    expect(lines(log)).toEqual(['change-start']);
    const [run] = await runRows(id);
    writeFileSync(done, ''); // the change did happen (an operator finished it by hand, say): the verify holds
    const resumed = await cli(['runbook', 'resume', run!.id, '-o', 'json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.steps[0]).toMatchObject({ status: 'done_earlier', verify: { status: 'succeeded' } });
    expect(lines(log)).toEqual(['change-start', 'after']);
  }, 120_000);

  it('SIGTERM during a rollback: the rollback finishes (a half-undone change ' +
    'is worse), the run is recorded rolled back (exit 1: its step failed)', async () => {
    const id = 'sig-rollback';
    const log = join(project, `${id}.log`);
    const started = join(project, `${id}.started`);
    writeRunbook(
      id,
      `
id: ${id}
title: Rollback under a signal
steps:
  - id: change
    kind: shell
    mutates: true
    command: [sh, -c, 'echo change >> "$1"', _, '${log}']
    rollback: { kind: shell, command: [sh, -c, 'touch "$2"; sleep 2; echo undone >> "$1"', _, '${log}', '${started}'] }
  - { id: fails, kind: shell, mutates: true, command: [sh, -c, 'exit 1'] }
`,
    );
    const child = spawnCli(['runbook', 'run', id, '--execute'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(await waitFor(() => existsSync(started))).toBe(true);
    child.kill('SIGTERM');
    const result = await child;
    // the run ended by its own failure, fully undone: that is what it reports, not an interruption
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('rolled back');
    expect(lines(log)).toEqual(['change', 'undone']);
    const [run] = await runRows(id);
    expect(run!.status).toBe('rolled_back');
    expect(processesNaming(started)).toEqual([]);
  }, 120_000);

  it("resume keeps the first run's automatic undo (breaker open → reset) and its --no-rollback", async () => {
    const id = 'sig-undo';
    const started = join(project, `${id}.started`);
    const failFlag = join(project, `${id}.fail`);
    const redisEnv = {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
      MEDICALCOR_REDIS_PREFIX: uniquePrefix('sig-undo'),
    };
    writeRunbook(
      id,
      `
id: ${id}
title: Automatic undo survives a resume
steps:
  - { id: open, kind: breaker, mutates: true, action: open, name: sig-undo-breaker, for: 10m }
  - id: work
    kind: shell
    mutates: true
    command: [sh, -c, 'touch "$1"; [ -f "$2" ] && exit 1; sleep 30', _, '${started}', '${failFlag}']
`,
    );
    const child = spawnCli(['runbook', 'run', id, '--execute'], { cwd: project, env: redisEnv });
    expect(await waitFor(() => existsSync(started))).toBe(true);
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(130);
    const [run] = await runRows(id);
    writeFileSync(failFlag, '');
    const resumed = await runInProcess(['runbook', 'resume', run!.id, '--in-flight', 'not-done', '-o', 'json'], {
      cwd: project,
      env: redisEnv,
    });
    expect(resumed.exitCode).toBe(1);
    const report = JSON.parse(resumed.stdout);
    expect(report.status).toBe('rolled_back');
    // the breaker opened by the first run was reset by the resumed one, from the undo the first run recorded
    expect(report.steps[0].rollback).toMatchObject({ status: 'succeeded', action: 'breaker reset sig-undo-breaker' });

    const kept = 'sig-no-rollback';
    const log = join(project, `${kept}.log`);
    writeRunbook(
      kept,
      `
id: ${kept}
title: --no-rollback survives a resume
steps:
  - id: change
    kind: shell
    mutates: true
    command: [sh, -c, 'echo change >> "$1"', _, '${log}']
    rollback: { kind: shell, command: [sh, -c, 'echo undone >> "$1"', _, '${log}'] }
  - { id: fails, kind: shell, mutates: true, command: [sh, -c, 'exit 1'] }
`,
    );
    const first = await cli(['runbook', 'run', kept, '--execute', '--no-rollback', '-o', 'json']);
    expect(first.exitCode).toBe(1);
    const again = await cli(['runbook', 'resume', JSON.parse(first.stdout).runId, '-o', 'json']);
    expect(again.exitCode).toBe(1);
    expect(JSON.parse(again.stdout).status).toBe('failed');
    expect(lines(log)).toEqual(['change']);
  }, 120_000);

  it('killed while waiting for the lease: nothing is recorded for the waiter, the holder is untouched', async () => {
    const id = 'sig-waiter';
    const { started } = signalRunbook(id);
    const holder = spawnCli(['runbook', 'run', id, '--execute'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(await waitFor(() => existsSync(started))).toBe(true);
    const waiter = spawnCli(['runbook', 'run', id, '--execute', '--lock-timeout', '60'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    // signalled once it says it waits (in the lease loop, its handlers in place), not after a fixed time
    let said = '';
    waiter.stderr?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
    });
    expect(await waitFor(() => said.includes(`waiting for ${id} on local to be free`), 2_400)).toBe(true);
    waiter.kill('SIGTERM');
    const waited = await waiter;
    expect(waited.exitCode).toBe(130);
    expect((await holder).exitCode).toBe(0);
    expect((await runRows(id)).map((r) => r.status)).toEqual(['succeeded']);
  }, 120_000);
});

describe('the lease', () => {
  it('a live holder on another host is waited for; one whose heartbeat expired is taken over', async () => {
    const id = 'lease-remote';
    writeRunbook(
      id,
      `
id: ${id}
title: Lease
steps:
  - { id: one, kind: shell, mutates: true, command: [node, -e, '0'] }
`,
    );
    const insert = (expires: string) =>
      db.pool.query(
        `insert into runbook_runs (runbook_id, environment, actor, mode, status, holder_host, holder_pid, heartbeat_at,
            lease_expires_at)
       values ($1, 'local', 'elsewhere', 'execute', 'running', 'another-host', 1, now(), ${expires}) returning id`,
        [id],
      );
    const live = (await insert(`now() + interval '1 hour'`)).rows[0].id as string;
    const refused = await cli(['runbook', 'run', id, '--execute']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`run ${live} by elsewhere (pid 1 on another-host)`);
    const resumeLive = await cli(['runbook', 'resume', live]);
    expect(resumeLive.exitCode).toBe(1);
    expect(resumeLive.stderr).toContain('still running by pid 1 on another-host');

    await db.pool.query(`update runbook_runs set lease_expires_at = now() - interval '1 second' where id = $1`, [live]);
    const taken = await cli(['runbook', 'run', id, '--execute', '-o', 'json']);
    expect(taken.exitCode, taken.stderr).toBe(0);
    const rows = await runRows(id);
    expect(rows.map((r) => r.status)).toEqual(['interrupted', 'succeeded']);
    expect(rows[0]!.error).toContain('stopped its heartbeat');
  });
});
