import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cleanEnv, repoRoot } from './helpers/cli.js';

const work = mkdtempSync(join(tmpdir(), 'mc-ci-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The action's script as the composite step runs it: no database variable, no server, only inputs. */
function runAction(inputs: Record<string, string>) {
  const env = cleanEnv({
    DATABASE_URL: undefined,
    XDG_CACHE_HOME: join(work, '.cache'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    ...inputs,
  });
  return execa(join(repoRoot, 'bin', 'github-action'), [], {
    cwd: work,
    env,
    extendEnv: false,
    reject: false,
    timeout: 300_000,
  });
}

describe('the GitHub Action: migrate lint and schema check on a runner without a database server', () => {
  it('action.yml is a composite action whose last step runs bin/github-action with the inputs', () => {
    const action = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
    expect(action.runs.using).toBe('composite');
    const last = action.runs.steps.at(-1);
    expect(last.run).toContain('bin/github-action');
    for (const input of ['migrations-dir', 'snapshot', 'config', 'sample-events', 'against-registry', 'run'])
      expect(Object.keys(action.inputs)).toContain(input);
    for (const input of ['migrations-dir', 'sample-events', 'against-registry'])
      expect(Object.values(last.env).join(' ')).toContain(`inputs.${input}`);
  });

  it('the shipped schema passes: exit 0, both steps run, annotations only as warnings', async () => {
    const run = await runAction({ MEDICALCOR_ACTION_MIGRATIONS_DIR: join(repoRoot, 'src', 'migrations') });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(run.stdout).toContain('medicalcor migrate lint: exit 0');
    expect(run.stdout).toContain('medicalcor schema check: exit 0');
    expect(run.stdout).not.toContain('::error');
  }, 300_000);

  it('a migration added without regenerating the snapshot ' +
    'fails the job with an error annotation (exit 3)', async () => {
    const dir = join(work, 'migrations');
    cpSync(join(repoRoot, 'src', 'migrations'), dir, { recursive: true });
    writeFileSync(
      join(dir, '20991231000000_add_referrals.sql'),
      '-- migrate:up\ncreate table referrals (id bigint primary key);\n\n-- migrate:down\ndrop table referrals;\n',
    );
    const run = await runAction({ MEDICALCOR_ACTION_MIGRATIONS_DIR: dir });
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain('medicalcor schema check: exit 3');
    expect(run.stdout).toMatch(/^::error .*referrals/m);
    // the lint ran too: both checks report on one run
    expect(run.stdout).toContain('medicalcor migrate lint: exit');
  }, 300_000);

  it('sample events that the registry refuses fail the schema ' +
    'check step (exit 3, annotated, value masked)', async () => {
    const event = {
      eventType: 'LeadCreated',
      schemaVersion: 1,
      aggregateId: 'lead-1',
      aggregateType: 'Lead',
      // a phone number the registry refuses: its value must not reach the log
      payload: { leadId: 'lead-1', phone: '0722 123 456', name: 'Maria Ionescu', source: 'whatsapp' },
    };
    writeFileSync(join(work, 'events.jsonl'), `${JSON.stringify(event)}\n`);
    const run = await runAction({
      MEDICALCOR_ACTION_MIGRATIONS_DIR: join(repoRoot, 'src', 'migrations'),
      MEDICALCOR_ACTION_SAMPLE_EVENTS: 'events.jsonl',
      MEDICALCOR_ACTION_RUN: 'schema-check',
    });
    expect(run.exitCode, String(run.stderr)).toBe(3);
    expect(run.stdout).toMatch(/^::error file=events\.jsonl,line=1/m);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/722 ?123 ?456|Ionescu/);
  }, 300_000);

  it('an unknown step is an error annotation and exit 2', async () => {
    const run = await runAction({ MEDICALCOR_ACTION_RUN: 'schema-lint' });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain('::error title=medicalcor action::unknown step "schema-lint"');
  });

  it('the pre-commit hooks call the same commands', () => {
    const hooks = parse(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as {
      id: string;
      entry: string;
    }[];
    expect(hooks.map((h) => h.entry)).toEqual(['medicalcor migrate lint', 'medicalcor schema check --shadow embedded']);
  });
});
