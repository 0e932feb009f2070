import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { runInProcess as runCli } from './helpers/in-process.js';
import { makeMigrationsDir, migration } from './helpers/migrations-dir.js';

const risky = [
  '-- migrate:up',
  '-- adds a column the app needs',
  'alter table leads add column region text;',
  '',
  'alter table leads alter column region set not null;',
  'create index leads_region_idx on leads (region);',
  '',
  '-- migrate:down',
  'drop index leads_region_idx;',
  'alter table leads drop column region;',
  '',
].join('\n');

const dir = makeMigrationsDir({
  '20240101000001_create_leads.sql': migration(
    'create table leads (id bigint primary key, name text);',
    'drop table leads;',
  ),
  '20240101000002_risky.sql': risky,
  '20240101000003_no_down.sql': '-- migrate:up\ncreate table notes (id bigint primary key);\n',
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lint = (...args: string[]) => runCli(['--migrations-dir', dir, 'migrate', 'lint', ...args]);

describe('migrate lint', () => {
  const SQUAWK_WITH_MAPPED_LINES =
    'runs squawk on up sections with line numbers mapped back to the file, plus the dbmate rules; exit 3';
  it(SQUAWK_WITH_MAPPED_LINES, async () => {
    const run = await lint('-o', 'json');
    expect(run.exitCode).toBe(3);
    const { findings, errors } = JSON.parse(run.stdout) as {
      errors: number;
      findings: { code: string; file: string; line: number; severity: string }[];
    };
    expect(errors).toBeGreaterThanOrEqual(2);
    const lines = readFileSync(join(dir, '20240101000002_risky.sql'), 'utf8').split('\n');
    const notNull = findings.find(
      (f) => f.file.endsWith('20240101000002_risky.sql') && lines[f.line - 1]!.includes('set not null'),
    );
    expect(notNull, JSON.stringify(findings)).toBeDefined();
    const index = findings.find((f) => f.code === 'require-concurrent-index-creation');
    expect(index?.severity).toBe('error');
    expect(lines[index!.line - 1]).toContain('create index leads_region_idx');
    // the down section (drop column) is not linted as if it ran on the way up
    expect(findings.some((f) => f.code === 'ban-drop-column')).toBe(false);
    expect(findings).toContainEqual(
      expect.objectContaining({ code: 'missing-down', file: expect.stringContaining('20240101000003_no_down.sql') }),
    );
  });

  it('prints GitHub annotations with -o github', async () => {
    const run = await lint('-o', 'github');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(
      /^::error file=[^,]*20240101000002_risky\.sql,line=6,title=require-concurrent-index-creation::/m,
    );
    expect(run.stdout).toMatch(/^::error file=[^,]*20240101000003_no_down\.sql,line=1,title=missing-down::/m);
  });

  it('passes the shipped MedicalCor migrations with no errors (needs no database)', async () => {
    const run = await runCli(['migrate', 'lint', '-o', 'json']);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout).errors).toBe(0);
  });
});

describe('migrate lint --changed-since and --pg-version', () => {
  it('lints only the files changed since a git ref (edited or new), and exits 0 when those are clean', async () => {
    const repo = makeMigrationsDir({
      '20240101000001_create_leads.sql': migration(
        'create table leads (id bigint primary key, name text);',
        'drop table leads;',
      ),
      '20240101000002_risky.sql': risky,
    });
    const git = (...args: string[]) =>
      execa('git', ['-C', repo, ...args], {
        env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' },
      });
    try {
      await git('init', '-q');
      await git('add', '.');
      await git('commit', '-qm', 'base');
      const lintSince = (...extra: string[]) =>
        runCli(['--migrations-dir', repo, 'migrate', 'lint', '--changed-since', 'HEAD', '-o', 'json', ...extra]);
      const nothing = await lintSince();
      expect(nothing.exitCode, nothing.stderr).toBe(0);
      expect(JSON.parse(nothing.stdout)).toMatchObject({ files: [], findings: [] });

      writeFileSync(
        join(repo, '20240101000003_notes.sql'),
        migration('create table notes (id bigint primary key);', 'drop table notes;'),
      );
      const clean = await lintSince();
      expect(clean.exitCode, clean.stdout).toBe(0);
      expect(JSON.parse(clean.stdout).files).toEqual(['20240101000003_notes.sql']);

      appendFileSync(join(repo, '20240101000002_risky.sql'), '\n-- reviewed\n');
      const edited = await lintSince();
      expect(edited.exitCode).toBe(3);
      const report = JSON.parse(edited.stdout) as { files: string[]; findings: { file: string }[] };
      expect(report.files).toEqual(['20240101000002_risky.sql', '20240101000003_notes.sql']);
      expect(report.findings.every((f) => f.file.endsWith('20240101000002_risky.sql'))).toBe(true);
      expect(report.findings.length).toBeGreaterThan(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  const BAD_REF_IS_USAGE_ERROR =
    'an unknown ref or one that looks like an option is a usage error, and git never sees it as an option';
  it(BAD_REF_IS_USAGE_ERROR, async () => {
    const unknown = await lint('--changed-since', 'no-such-ref-anywhere');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Cannot list the migrations changed since "no-such-ref-anywhere"');
    const option = await lint('--changed-since=--output=/tmp/mc-pwned');
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('is not a git ref');
  });

  const PG_VERSION_PASSED_TO_SQUAWK =
    '--pg-version is passed to squawk: a column with a constant default is a rewrite before PostgreSQL 11 only';
  it(PG_VERSION_PASSED_TO_SQUAWK, async () => {
    const defaults = makeMigrationsDir({
      '20240101000001_t.sql': migration('create table t (id bigint primary key);', 'drop table t;'),
      '20240101000002_default.sql': migration(
        'alter table t add column flag integer default 0;',
        'alter table t drop column flag;',
      ),
    });
    try {
      const run = (v: string) =>
        runCli(['--migrations-dir', defaults, 'migrate', 'lint', '--pg-version', v, '-o', 'json']);
      const old = JSON.parse((await run('10')).stdout) as { findings: { code: string }[] };
      const current = JSON.parse((await run('15')).stdout) as { findings: { code: string }[] };
      expect(old.findings.map((f) => f.code)).toContain('adding-field-with-default');
      expect(current.findings.map((f) => f.code)).not.toContain('adding-field-with-default');
      expect((await run('fifteen')).exitCode).toBe(2);
    } finally {
      rmSync(defaults, { recursive: true, force: true });
    }
  });
});
