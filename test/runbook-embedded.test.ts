/**
 * A real run on the embedded PGlite database (no server configured): the lock, the audit trail,
 * a `check` step and a `medicalcor …` child that reaches the database this process holds open.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

let project: string;
const cli = (args: string[]) => runCli(args, { cwd: project, timeoutMs: 120_000 });

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-embedded-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(join(project, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');
  writeFileSync(
    join(project, 'runbooks', 'embedded.yaml'),
    `
id: embedded
title: Works on the embedded database
parameters: [{ name: name, default: Dr Popescu }]
steps:
  - { id: database-check, kind: check, mutates: false, check: database }
  - { id: add, kind: sql, mutates: true, sql: "insert into practitioners (name, email) values ($1, $2)",
      params: ['{{name}}', dr@example.test] }
  - { id: count, kind: sql, mutates: false, sql: select count(*) from practitioners, expect: { value: { equals: 1 } } }
  - { id: status-from-child, kind: shell, mutates: false, command: [medicalcor, migrate, status, -o, json] }
  - { id: touch, kind: shell, mutates: true, command: [touch, '${project}/done'] }
`,
  );
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('runbook on the embedded database', () => {
  it('refuses a real run until the schema is there, then runs, records and shows it', {
    timeout: 240_000,
  }, async () => {
    const before = await cli(['runbook', 'run', 'embedded', '--execute']);
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain('runbook_runs is missing');
    expect(before.stderr).toContain('medicalcor migrate up');
    expect(existsSync(join(project, 'done'))).toBe(false);

    expect((await cli(['migrate', 'up'])).exitCode).toBe(0);
    const result = await cli(['runbook', 'run', 'embedded', '--execute', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.steps.map((s: { status: string }) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(report.steps[0].output).toMatch(/^pass: /);
    expect(report.steps[1].output).toContain('changed 1 row(s)');
    // the child CLI read the same embedded database through this process's socket
    expect(JSON.parse(report.steps[3].output.slice(report.steps[3].output.indexOf('{'))).pending).toBe(0);
    expect(existsSync(join(project, 'done'))).toBe(true);

    const history = await cli(['runbook', 'history', '-o', 'json']);
    expect(history.exitCode).toBe(0);
    expect(JSON.parse(history.stdout).runs).toEqual([
      expect.objectContaining({ id: report.runId, runbookId: 'embedded', status: 'succeeded' }),
    ]);
  });
});
