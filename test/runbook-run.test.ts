/**
 * `medicalcor runbook run / resume / history` in-process (a real child process for the lock
 * holder and Ctrl-C) against a real PostgreSQL 15 database with the MedicalCor schema: dry runs,
 * real runs, rollback order, resume, the injection attempt, the audit trail, the lease and Ctrl-C.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let project: string;

function writeRunbook(id: string, yaml: string): void {
  writeFileSync(join(project, 'runbooks', `${id}.yaml`), yaml);
}

const run = (args: string[], env: Record<string, string> = {}) =>
  runCli(['runbook', ...args], { cwd: project, env: { MEDICALCOR_DATABASE_URL: db.url, ...env } });

const everythingStored = (rows: unknown[]) => JSON.stringify(rows);

async function leadStatuses(): Promise<string[]> {
  const { rows } = await db.pool.query(`select status from leads order by phone`);
  return rows.map((r) => r.status as string);
}

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook');
  await applySchema(db.url);
  await db.pool.query(
    `insert into leads (phone, status) values ('+40700000001', 'new'), ('+40700000002', 'new'), ('+40700000003', ` +
      `'lost')`,
  );
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(join(project, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');

  writeRunbook(
    'touch-and-update',
    `
id: touch-and-update
title: Touch a file and update leads
parameters:
  - { name: marker, required: true, pattern: '[a-z0-9-]+' }
  - { name: fromStatus, default: new }
steps:
  - id: count
    kind: sql
    mutates: false
    sql: select count(*) as leads from leads where status = $1
    params: ['{{fromStatus}}']
  - id: touch
    kind: shell
    mutates: true
    command: [touch, '${project}/{{marker}}.done']
  - id: qualify
    kind: sql
    mutates: true
    sql: update leads set status = 'qualified' where status = $1
    params: ['{{fromStatus}}']
  - id: say-secret
    title: prints a secret and a phone number, which must not reach the audit table
    kind: shell
    mutates: false
    command: [node, -e, 'console.log("url postgres://ops:S3cr3tPassw0rd@db.internal/prod phone +40 721 234 567")']
  - { id: phones, kind: sql, mutates: false, sql: 'select phone, status from leads order by phone' }
`,
  );
});

afterAll(async () => {
  await db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('runbook run', () => {
  it('dry run: reads run for real, mutating steps are shown and not done, nothing is recorded', async () => {
    const result = await run(['run', 'touch-and-update', '-p', 'marker=dry', '-o', 'json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.mode).toBe('dry_run');
    expect(report.runId).toBeNull();
    const [count, touch, qualify] = report.steps;
    expect(count.status).toBe('succeeded');
    expect(count.output).toMatch(/leads\s+2/);
    expect(touch.status).toBe('skipped');
    expect(touch.action).toContain(JSON.stringify(['touch', join(project, 'dry.done')]));
    // the mutating SQL ran in a transaction that was rolled back, and says what it would change
    expect(qualify.status).toBe('succeeded');
    expect(qualify.output).toContain('would change 2 row(s)');
    expect(existsSync(join(project, 'dry.done'))).toBe(false);
    expect(await leadStatuses()).toEqual(['new', 'new', 'lost']);
    const { rows } = await db.pool.query('select count(*)::int as n from runbook_runs');
    expect(rows[0].n).toBe(0);
  });

  it('--execute does every step and records the run, its steps and redacted output', async () => {
    const result = await run(['run', 'touch-and-update', '-p', 'marker=real', '--execute', '--actor', 'alice@oncall']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(project, 'real.done'))).toBe(true);
    expect(await leadStatuses()).toEqual(['qualified', 'qualified', 'lost']);

    const runs = await db.pool.query(`select * from runbook_runs where runbook_id = 'touch-and-update'`);
    expect(runs.rows).toHaveLength(1);
    const row = runs.rows[0];
    expect(row).toMatchObject({
      actor: 'alice@oncall',
      environment: 'local',
      mode: 'execute',
      status: 'succeeded',
      parameters: { marker: 'real', fromStatus: 'new' },
    });
    expect(row.finished_at).not.toBeNull();
    const steps = await db.pool.query(
      'select step_id, phase, status, exit_code, output, duration_ms from runbook_step_runs where run_id = $1 order ' +
        'by step_index',
      [row.id],
    );
    expect(steps.rows.map((s) => [s.step_id, s.phase, s.status])).toEqual([
      ['count', 'execute', 'succeeded'],
      ['touch', 'execute', 'succeeded'],
      ['qualify', 'execute', 'succeeded'],
      ['say-secret', 'execute', 'succeeded'],
      ['phones', 'execute', 'succeeded'],
    ]);
    // patient phone numbers read by a step are masked on screen and in the audit trail
    expect(steps.rows[4].output).toContain('qualified');
    expect(result.stdout).toContain('qualified');
    expect(result.stdout + everythingStored(steps.rows)).not.toContain('700000001');
    expect(steps.rows[1].exit_code).toBe(0);
    const said = steps.rows[3].output as string;
    expect(said).toContain('postgres://ops:****@db.internal/prod');
    const everything = JSON.stringify(steps.rows) + JSON.stringify(runs.rows);
    expect(everything).not.toContain('S3cr3tPassw0rd');
    expect(everything).not.toContain('721 234 567');
    expect(result.stdout).not.toContain('S3cr3tPassw0rd');

    const history = await run(['history', 'touch-and-update', '-o', 'json']);
    expect(history.exitCode).toBe(0);
    expect(JSON.parse(history.stdout).runs.map((r: { id: string }) => r.id)).toEqual([row.id]);
  });

  it('a parameter cannot inject a command: it stays one argv element and one SQL value', async () => {
    writeRunbook(
      'injection',
      `
id: injection
title: Parameter injection attempt
parameters: [{ name: name, required: true }]
steps:
  - { id: echo, kind: shell, mutates: false, command: [echo, 'hello {{name}}'] }
  - { id: touch, kind: shell, mutates: true, command: [touch, 'file-{{name}}'] }
  - { id: sql, kind: sql, mutates: false, sql: 'select count(*) from leads where phone = $1', params: ['{{name}}'] }
`,
    );
    const result = await runCli(['runbook', 'run', 'injection', '-p', 'name=x; touch owned', '--execute'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(project, 'owned'))).toBe(false);
    // the whole value was one argument of touch
    expect(existsSync(join(project, 'file-x; touch owned'))).toBe(true);
    expect(result.stdout).toContain('hello x; touch owned');
  });

  it('a failure at step N rolls back the completed mutating steps N-1..1, newest first', async () => {
    const log = join(project, 'rollback.log');
    const append = (text: string) =>
      `[node, -e, 'require("fs").appendFileSync(process.argv[1], process.argv[2] + "\\n")', '${log}', '${text}']`;
    writeRunbook(
      'rollback-order',
      `
id: rollback-order
title: Rollback order
steps:
  - { id: one, kind: shell, mutates: true, command: ${append('do-1')}, rollback: { kind: shell,
      command: ${append('undo-1')} } }
  - { id: read, kind: shell, mutates: false, command: [node, -e, '0'] }
  - { id: two, kind: shell, mutates: true, command: ${append('do-2')}, rollback: { kind: shell,
      command: ${append('undo-2')} } }
  - { id: three, kind: shell, mutates: true, command: ${append('do-3')}, rollback: { kind: shell,
      command: ${append('undo-3')} } }
  - { id: boom, kind: shell, mutates: true, command: [node, -e, 'process.exit(7)'], rollback: { kind: shell,
      command: ${append('undo-boom')} } }
  - { id: never, kind: shell, mutates: true, command: ${append('do-never')} }
`,
    );
    const result = await run(['run', 'rollback-order', '--execute', '-o', 'json']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('step 5 "boom" failed: exited with code 7');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'do-1',
      'do-2',
      'do-3',
      'undo-3',
      'undo-2',
      'undo-1',
    ]);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('rolled_back');
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual([
      'rolled_back',
      'succeeded',
      'rolled_back',
      'rolled_back',
      'failed',
      'not_run',
    ]);
    const phases = await db.pool.query(
      `select s.step_id, s.phase, s.status, s.exit_code from runbook_step_runs s where s.run_id = $1 order by s.id`,
      [report.runId],
    );
    expect(phases.rows.filter((r) => r.phase === 'rollback').map((r) => r.step_id)).toEqual(['three', 'two', 'one']);
    expect(phases.rows.find((r) => r.step_id === 'boom')).toMatchObject({ status: 'failed', exit_code: 7 });
  });

  it('--no-rollback leaves the steps in place and resume continues at the failed step', async () => {
    const log = join(project, 'resume.log');
    const flag = join(project, 'resume.flag');
    const append = (text: string) =>
      `[node, -e, 'require("fs").appendFileSync(process.argv[1], process.argv[2] + "\\n")', '${log}', '${text}']`;
    writeRunbook(
      'resumable',
      `
id: resumable
title: Resumable
parameters: [{ name: who, required: true }]
steps:
  - { id: one, kind: shell, mutates: true, command: ${append('do-1-{{who}}')} }
  - { id: two, kind: shell, mutates: true, command: ${append('do-2-{{who}}')} }
  - { id: needs-flag, kind: shell, mutates: true, command: [test, -f, '${flag}'] }
  - { id: four, kind: shell, mutates: true, command: ${append('do-4-{{who}}')} }
`,
    );
    const first = await run(['run', 'resumable', '-p', 'who=bob', '--execute', '--no-rollback', '-o', 'json']);
    expect(first.exitCode).toBe(1);
    const failed = JSON.parse(first.stdout);
    expect(failed.status).toBe('failed');
    expect(failed.stoppedAt).toBe(2);
    expect(first.stderr).toContain(`medicalcor runbook resume ${failed.runId}`);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['do-1-bob', 'do-2-bob']);

    writeFileSync(flag, '');
    const resumed = await run(['resume', failed.runId, '-o', 'json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout);
    expect(report.resumedFrom).toBe(failed.runId);
    expect(report.parameters).toEqual({ who: 'bob' });
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual([
      'done_earlier',
      'done_earlier',
      'succeeded',
      'succeeded',
    ]);
    // steps 1 and 2 ran once; the run went on from step 3 with the stored parameters
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['do-1-bob', 'do-2-bob', 'do-4-bob']);
    const row = await db.pool.query(`select status, resumed_from from runbook_runs where id = $1`, [report.runId]);
    expect(row.rows[0]).toEqual({ status: 'succeeded', resumed_from: failed.runId });

    const story = await run(['history', '--run', failed.runId, '-o', 'json']);
    const chain = JSON.parse(story.stdout);
    expect(chain.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
      [failed.runId, 'failed'],
      [report.runId, 'succeeded'],
    ]);
    expect(chain.steps.map((s: { stepId: string; status: string }) => `${s.stepId}:${s.status}`)).toEqual([
      'one:succeeded',
      'two:succeeded',
      'needs-flag:failed',
      'needs-flag:succeeded',
      'four:succeeded',
    ]);

    const again = await run(['resume', failed.runId]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`already resumed by run ${report.runId}`);
  });

  it(
    'a second real run of the same runbook on the same environment ' + 'is refused while the first holds the lock',
    async () => {
      const started = join(project, 'slow.started');
      const release = join(project, 'slow.release');
      writeRunbook(
        'slow',
        `
id: slow
title: Slow
steps:
  - { id: mark, kind: shell, mutates: true, command: [touch, '${started}'] }
  - { id: hold, kind: shell, mutates: false, command: [node, -e,
      'const t = setInterval(() => require("fs").existsSync(process.argv[1]) && clearInterval(t), 50)', '${release}'] }
`,
      );
      const first = spawnCli(['runbook', 'run', 'slow', '--execute', '--actor', 'first-operator'], {
        cwd: project,
        env: { MEDICALCOR_DATABASE_URL: db.url },
      });
      for (let i = 0; i < 200 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(started)).toBe(true);
      const second = await run(['run', 'slow', '--execute', '--actor', 'second-operator']);
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toMatch(
        new RegExp(
          String.raw`Runbook slow is already running on local: run [0-9a-f-]{36} by first-operator ` +
            String.raw`\(pid \d+ on [^)]+\) since \d{4}-\d\d-\d\dT`,
        ),
      );
      writeFileSync(release, '');
      const firstResult = await first;
      expect(firstResult.exitCode).toBe(0);
      const { rows } = await db.pool.query(`select actor, status from runbook_runs where runbook_id = 'slow'`);
      expect(rows).toEqual([{ actor: 'first-operator', status: 'succeeded' }]);
    },
  );

  it('Ctrl-C stops the run, records it as interrupted and exits 130', async () => {
    const started = join(project, 'interrupt.started');
    writeRunbook(
      'interruptible',
      `
id: interruptible
title: Interruptible
steps:
  - { id: mark, kind: shell, mutates: true, command: [node, -e, '0'] }
  - { id: long, kind: shell, mutates: false, command: [node, -e,
      'require("fs").writeFileSync(process.argv[1], ""); setTimeout(() => {}, 30000)', '${started}'] }
  - { id: after, kind: shell, mutates: true, command: [touch, '${join(project, 'interrupt.after')}'] }
`,
    );
    const child = spawnCli(['runbook', 'run', 'interruptible', '--execute'], {
      cwd: project,
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    for (let i = 0; i < 400 && !existsSync(started); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(existsSync(join(project, 'interrupt.after'))).toBe(false);
    const { rows } = await db.pool.query(
      'select r.status, s.step_id, s.status as step_status from runbook_runs r join runbook_step_runs s on s.run_id ' +
        `= r.id where r.runbook_id = 'interruptible' order by s.step_index`,
    );
    expect(rows).toEqual([
      { status: 'interrupted', step_id: 'mark', step_status: 'succeeded' },
      { status: 'interrupted', step_id: 'long', step_status: 'interrupted' },
    ]);
  });

  it('bad parameters are usage errors and run nothing', async () => {
    const missing = await run(['run', 'touch-and-update', '--execute']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('needs parameter marker');
    const bad = await run(['run', 'touch-and-update', '-p', 'marker=UPPER case', '--execute']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('does not match [a-z0-9-]+');
    const unknown = await run(['run', 'touch-and-update', '-p', 'marker=ok', '-p', 'nope=1', '--execute']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('has no parameter "nope"');
    expect(existsSync(join(project, 'ok.done'))).toBe(false);
  });

  it(
    'a manual step needs a person: without a terminal it ' + 'fails, with --yes it is acknowledged and recorded so',
    async () => {
      writeRunbook(
        'with-manual',
        `
id: with-manual
title: Manual
steps:
  - { id: confirm-backup, kind: manual, mutates: false, instruction: Confirm a fresh backup exists }
  - { id: after, kind: shell, mutates: true, command: [touch, '${join(project, 'after-manual')}'] }
`,
      );
      const refused = await run(['run', 'with-manual', '--execute']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('a manual step needs an operator');
      expect(existsSync(join(project, 'after-manual'))).toBe(false);
      const acknowledged = await run(['run', 'with-manual', '--execute', '--yes', '-o', 'json']);
      expect(acknowledged.exitCode, acknowledged.stderr).toBe(0);
      expect(JSON.parse(acknowledged.stdout).steps[0].output).toMatch(/^acknowledged unattended by /);
      expect(existsSync(join(project, 'after-manual'))).toBe(true);
    },
  );
});
