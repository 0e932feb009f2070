import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
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
  '20240101000001_create_leads.sql': migration('create table leads (id bigint primary key, name text);', 'drop table leads;'),
  '20240101000002_risky.sql': risky,
  '20240101000003_no_down.sql': '-- migrate:up\ncreate table notes (id bigint primary key);\n',
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lint = (...args: string[]) => runCli(['--migrations-dir', dir, 'migrate', 'lint', ...args]);

describe('migrate lint', () => {
  it('runs squawk on up sections with line numbers mapped back to the file, plus the dbmate rules; exit 3', async () => {
    const run = await lint('-o', 'json');
    expect(run.exitCode).toBe(3);
    const { findings, errors } = JSON.parse(run.stdout) as { errors: number; findings: { code: string; file: string; line: number; severity: string }[] };
    expect(errors).toBeGreaterThanOrEqual(2);
    const lines = readFileSync(join(dir, '20240101000002_risky.sql'), 'utf8').split('\n');
    const notNull = findings.find((f) => f.file.endsWith('20240101000002_risky.sql') && lines[f.line - 1]!.includes('set not null'));
    expect(notNull, JSON.stringify(findings)).toBeDefined();
    const index = findings.find((f) => f.code === 'require-concurrent-index-creation');
    expect(index?.severity).toBe('error');
    expect(lines[index!.line - 1]).toContain('create index leads_region_idx');
    // the down section (drop column) is not linted as if it ran on the way up
    expect(findings.some((f) => f.code === 'ban-drop-column')).toBe(false);
    expect(findings).toContainEqual(expect.objectContaining({ code: 'missing-down', file: expect.stringContaining('20240101000003_no_down.sql') }));
  });

  it('prints GitHub annotations with -o github', async () => {
    const run = await lint('-o', 'github');
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toMatch(/^::error file=[^,]*20240101000002_risky\.sql,line=6,title=require-concurrent-index-creation::/m);
    expect(run.stdout).toMatch(/^::error file=[^,]*20240101000003_no_down\.sql,line=1,title=missing-down::/m);
  });

  it('passes the shipped MedicalCor migrations with no errors (needs no database)', async () => {
    const run = await runCli(['migrate', 'lint', '-o', 'json']);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(JSON.parse(run.stdout).errors).toBe(0);
  });
});
