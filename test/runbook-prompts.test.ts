/**
 * Ctrl-C at a runbook prompt, typed on a real pseudo-terminal (util-linux `script`): the
 * production confirmation and a manual step. Exit 130, nothing done past the prompt, no
 * "unexpected" error; the audit says interrupted.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cleanEnv } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let project: string;

beforeAll(async () => {
  db = await createTestDatabase('mc_runbook_prompts');
  await applySchema(db.url);
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-prompts-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(
    join(project, 'medicalcor.config.yaml'),
    `runbooksDir: runbooks
environments:
  prod:
    production: true
    databaseUrl: { env: PROD_DATABASE_URL }
  staging:
    databaseUrl: { env: PROD_DATABASE_URL }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'touchy.yaml'),
    `
id: touchy
title: Touchy
steps:
  - { id: touch, kind: shell, mutates: true, command: [touch, '${join(project, 'touched')}'] }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'by-hand.yaml'),
    `
id: by-hand
title: By hand
steps:
  - { id: before, kind: shell, mutates: true, command: [touch, '${join(project, 'before-manual')}'] }
  - { id: confirm, kind: manual, mutates: false, instruction: Confirm the backup exists }
  - { id: after, kind: shell, mutates: true, command: [touch, '${join(project, 'after-manual')}'] }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'asks.yaml'),
    `
id: asks
title: Asks
steps:
  - { id: change, kind: shell, mutates: true, command: [touch, '${join(project, 'changed')}'] }
`,
  );
});

afterAll(async () => {
  await db?.drop();
  if (project) rmSync(project, { recursive: true, force: true });
});

/** Runs the CLI on a pseudo-terminal, waits for `prompt`, then types Ctrl-C. */
async function ctrlCAt(args: string[], prompt: string) {
  const command = ['node', binPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env = cleanEnv({ PROD_DATABASE_URL: db.url, CI: undefined });
  const child = execa('script', ['-qec', command, '/dev/null'], {
    cwd: project,
    env,
    extendEnv: false,
    reject: false,
    stdin: 'pipe',
    timeout: 120_000,
  });
  let seen = '';
  const appeared = await new Promise<boolean>((resolve) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(prompt)) resolve(true);
    });
    void child.finally(() => resolve(false));
  });
  child.stdin!.write('\x03');
  const result = await child;
  return { appeared, exitCode: result.exitCode, output: String(result.stdout) };
}

const runs = async (runbookId: string) =>
  (await db.pool.query(`select status from runbook_runs where runbook_id = $1`, [runbookId])).rows.map(
    (r) => r.status as string,
  );

describe('Ctrl-C at a runbook prompt', () => {
  it('at the production confirmation: exit 130, nothing run, nothing recorded, no "unexpected"', async () => {
    const result = await ctrlCAt(['--env', 'prod', 'runbook', 'run', 'touchy', '--execute'], 'PRODUCTION "prod"');
    expect(result.appeared, result.output).toBe(true);
    expect(result.exitCode, result.output).toBe(130);
    expect(result.output).not.toContain('unexpected');
    expect(existsSync(join(project, 'touched'))).toBe(false);
    expect(await runs('touchy')).toEqual([]);
  }, 120_000);

  it('at a manual step: exit 130, the steps after it not run, the run recorded as interrupted', async () => {
    const result = await ctrlCAt(['--env', 'staging', 'runbook', 'run', 'by-hand', '--execute'], 'Done?');
    expect(result.appeared, result.output).toBe(true);
    expect(result.exitCode, result.output).toBe(130);
    expect(result.output).not.toContain('unexpected');
    expect(existsSync(join(project, 'before-manual'))).toBe(true);
    expect(existsSync(join(project, 'after-manual'))).toBe(false);
    expect(await runs('by-hand')).toEqual(['interrupted']);
  }, 120_000);

  it('at the question whether an in-flight step completed (resume): exit 130, nothing run', async () => {
    const { rows } = await db.pool.query(
      `insert into runbook_runs (runbook_id, environment, actor, mode, status, finished_at) values ('asks', ` +
        `'staging', 'x', 'execute', 'interrupted', now()) returning id`,
    );
    const runId = rows[0].id as string;
    await db.pool.query(
      'insert into runbook_step_runs (run_id, step_index, step_id, kind, mutates, phase, status) values ($1, 0, ' +
        `'change', 'shell', true, 'execute', 'interrupted')`,
      [runId],
    );
    const result = await ctrlCAt(['--env', 'staging', 'runbook', 'resume', runId], 'Did it complete?');
    expect(result.appeared, result.output).toBe(true);
    expect(result.exitCode, result.output).toBe(130);
    expect(result.output).not.toContain('unexpected');
    expect(existsSync(join(project, 'changed'))).toBe(false);
    expect(await runs('asks')).toEqual(['interrupted']);
  }, 120_000);
});
