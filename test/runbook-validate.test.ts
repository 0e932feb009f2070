/**
 * Runbook files: every shipped runbook validates, and an invalid file is rejected naming the
 * file, the step and the field (exit 2), by `runbook validate` and by `runbook run`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunbookFile, loadRunbooks, parseRunbook, RunbookFileError } from '../src/core/runbook/index.js';
import { repoRoot } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';

const shippedDir = join(repoRoot, 'src', 'runbooks');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-runbook-validate-'));
  mkdirSync(join(dir, 'runbooks'));
  writeFileSync(join(dir, 'medicalcor.config.yaml'), 'runbooksDir: runbooks\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function issuesOf(yaml: string, file = 'broken.yaml'): string[] {
  try {
    parseRunbook(yaml, file);
  } catch (error) {
    if (error instanceof RunbookFileError) return error.message.split('\n');
    throw error;
  }
  return [];
}

const valid = `
id: broken
title: A runbook
parameters: [{ name: service, required: true }]
steps:
  - { id: look, kind: sql, mutates: false, sql: select 1 }
  - { id: restart, kind: shell, mutates: true, command: [echo, '{{service}}'] }
`;

describe('shipped runbooks', () => {
  it("every file in src/runbooks validates, and the issue's eight are there", () => {
    const files = readdirSync(shippedDir).filter((f) => f.endsWith('.yaml'));
    const { runbooks, errors } = loadRunbooks([{ path: shippedDir, source: 'shipped' }]);
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(runbooks).toHaveLength(files.length);
    expect(runbooks.map((r) => r.runbook.id)).toEqual(
      expect.arrayContaining([
        'patient-journey-failure',
        'ai-latency-high',
        'openai-outage',
        'db-pool-exhausted',
        'dlq-replay',
        'ai-budget-runaway',
        'migration-rollback',
        'backup-restore-verification',
      ]),
    );
    for (const { runbook } of runbooks) expect(runbook.alerts.length, runbook.id).toBeGreaterThan(0);
  });

  it('the template becomes a valid runbook under its new id ("runbook new")', async () => {
    const result = await runCli(['runbook', 'new', 'redis-memory-high'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const created = join(dir, 'runbooks', 'redis-memory-high.yaml');
    expect(loadRunbookFile(created).id).toBe('redis-memory-high');
    expect(readFileSync(created, 'utf8')).toBe(
      readFileSync(join(repoRoot, 'templates', 'runbook.yaml'), 'utf8').replace(/^id: .*$/m, 'id: redis-memory-high'),
    );
    const again = await runCli(['runbook', 'new', 'redis-memory-high'], { cwd: dir });
    expect(again.exitCode).toBe(2);
    expect(readFileSync(created, 'utf8')).toContain('id: redis-memory-high');
  });
});

describe('runbook show', () => {
  it("shows a shipped runbook's parameters and steps", async () => {
    const json = await runCli(['runbook', 'show', 'dlq-replay', '-o', 'json'], { cwd: dir });
    expect(json.exitCode).toBe(0);
    const shown = JSON.parse(json.stdout);
    expect(shown.parameters.map((p: { name: string }) => p.name)).toEqual(['webhookType', 'limit']);
    expect(shown.steps.map((s: { id: string; mutates: boolean }) => [s.id, s.mutates])).toEqual([
      ['backlog', false],
      ['requeue', true],
      ['drained', false],
    ]);
    const table = await runCli(['runbook', 'show', 'dlq-replay'], { cwd: dir });
    expect(table.stdout).toMatch(/webhookType\s+enum\(whatsapp\|voice/);
    const missing = await runCli(['runbook', 'show', 'no-such-runbook'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('No runbook "no-such-runbook"');
  });
});

describe('invalid runbooks', () => {
  it('the control case is valid', () => {
    expect(issuesOf(valid)).toEqual([]);
  });

  it('names the file, the step and the field', () => {
    expect(
      issuesOf(valid.replace("command: [echo, '{{service}}'] }", "command: [echo, '{{service}}'], timeout: soon }")),
    ).toEqual(['broken.yaml: step 2 "restart", field "timeout": must be a duration such as 250ms, 30s, 5m or 1h']);
    expect(issuesOf(valid.replace('mutates: false, sql', 'sql'))).toEqual([
      expect.stringMatching(/^broken\.yaml: step 1 "look", field "mutates": is required/),
    ]);
    expect(issuesOf(valid.replace('kind: sql', 'kind: sqll'))).toEqual([
      expect.stringMatching(/^broken\.yaml: step 1 "look", field "kind": kind must be one of shell, sql/),
    ]);
    expect(
      issuesOf(valid.replace('mutates: false, sql: select 1', 'mutates: false, sql: select 1, mutate: true')),
    ).toEqual([expect.stringMatching(/^broken\.yaml: step 1 "look".*mutate/)]);
  });

  it('rejects values written into SQL text, unknown or unused parameters and effects a dry run cannot undo', () => {
    expect(issuesOf(valid.replace('sql: select 1', 'sql: "select \'{{service}}\'"'))).toEqual([
      'broken.yaml: step 1 "look", field "sql": must not contain {{…}}: pass values as $1, $2 … with params',
    ]);
    expect(issuesOf(valid.replace("'{{service}}'", "'{{servce}}'"))).toEqual([
      'broken.yaml: step 2 "restart", field "command[1]": {{servce}} is not a parameter of this runbook (parameters: ' +
        'service)',
      'broken.yaml: parameter 1 "service", field "name": "service" is never used by any step',
    ]);
    expect(issuesOf(valid.replace("'{{service}}'", 'everything'))).toEqual([
      'broken.yaml: parameter 1 "service", field "name": "service" is never used by any step',
    ]);
    expect(
      issuesOf(valid.replace('mutates: false, sql: select 1', 'mutates: true, sql: "select pg_terminate_backend(1)"')),
    ).toEqual([
      'broken.yaml: step 1 "look", field "sql": calls pg_terminate_backend(), whose effect a rolled-back dry run ' +
        'cannot undo; set dryRun: skip',
    ]);
    expect(issuesOf(valid.replace("[echo, '{{service}}']", "[echo, '{{db.password}}']"))).toEqual([
      expect.stringContaining(
        'step 2 "restart", field "command[1]": {{db.password}} may only be used in a shell step\'s env',
      ),
      'broken.yaml: parameter 1 "service", field "name": "service" is never used by any step',
    ]);
  });

  it('`runbook validate` exits 2 naming file, step and field; valid files pass', async () => {
    writeFileSync(join(dir, 'broken.yaml'), valid.replace('kind: shell, mutates: true', 'kind: shell, mutates: maybe'));
    writeFileSync(join(dir, 'broken-ok.yaml'), valid.replace('id: broken', 'id: broken-ok'));
    const ok = await runCli(['runbook', 'validate', 'broken-ok.yaml'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('ok  broken-ok.yaml (broken-ok, 2 steps)');
    const bad = await runCli(['runbook', 'validate', 'broken-ok.yaml', 'broken.yaml'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('error: broken.yaml: step 2 "restart", field "mutates":');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('`runbook run` of an invalid runbook is a usage error and runs nothing', async () => {
    writeFileSync(
      join(dir, 'runbooks', 'bad-run.yaml'),
      `
id: bad-run
title: Bad
steps:
  - { id: touch, kind: shell, mutates: true, command: [touch, '${join(dir, 'touched')}'] }
  - { id: scale, kind: k8s, mutates: true, action: scale, deployment: api }
`,
    );
    const result = await runCli(['runbook', 'run', 'bad-run', '--execute'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `${join(dir, 'runbooks', 'bad-run.yaml')}: step 2 "scale", field "replicas": is required for scale`,
    );
    expect(readdirSync(dir)).not.toContain('touched');
    const list = await runCli(['runbook', 'list'], { cwd: dir });
    expect(list.exitCode).toBe(3);
    expect(list.stdout).toContain('patient-journey-failure');
    expect(list.stderr).toContain('bad-run.yaml');
  });

  it(
    '--execute on a production environment without a terminal ' + 'needs --yes and --env, and runs nothing before',
    async () => {
      const prodDir = mkdtempSync(join(tmpdir(), 'mc-runbook-prod-'));
      try {
        mkdirSync(join(prodDir, 'runbooks'));
        writeFileSync(
          join(prodDir, 'medicalcor.config.yaml'),
          'runbooksDir: runbooks\ndefaultEnv: prod\nenvironments:\n  prod: { production: true }\n',
        );
        writeFileSync(
          join(prodDir, 'runbooks', 'touchy.yaml'),
          `id: touchy\ntitle: Touchy\nsteps:\n  - { id: touch, kind: shell, mutates: true, command: [touch, ` +
            `'${join(prodDir, 'touched')}'] }\n`,
        );
        const noYes = await runCli(['runbook', 'run', 'touchy', '--execute'], { cwd: prodDir });
        expect(noYes.exitCode).toBe(2);
        expect(noYes.stderr).toContain(
          'Refusing to run runbook touchy (1 mutating step) on production environment "prod" without a terminal',
        );
        const implicitEnv = await runCli(['runbook', 'run', 'touchy', '--execute', '--yes'], { cwd: prodDir });
        expect(implicitEnv.exitCode).toBe(2);
        expect(implicitEnv.stderr).toContain('also needs --env prod');
        expect(readdirSync(prodDir)).not.toContain('touched');
      } finally {
        rmSync(prodDir, { recursive: true, force: true });
      }
    },
  );
});
