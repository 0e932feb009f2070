import { describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { repoRoot, runCli, spawnCli } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { makeMigrationsDir, migration } from './helpers/migrations-dir.js';
import { createTestDatabase } from './helpers/postgres.js';

describe('the CLI shell', () => {
  it('--help lists every command and exits 0; --version prints the version', async () => {
    const help = await runInProcess(['--help']);
    expect(help.exitCode).toBe(0);
    for (const command of ['migrate', 'schema', 'trace', 'runbook', 'breaker', 'budget', 'sla', 'check', 'demo'])
      expect(help.stdout).toContain(command);
    const version = await runInProcess(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')).version);
  });

  it('usage errors exit 2 with a hint, not commander’s 1', async () => {
    const run = await runInProcess(['migrate', 'down', '--no-such-flag']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown option '--no-such-flag'");
    expect(run.stderr).toContain('medicalcor migrate --help');
  });

  // the built shell: commander's message quotes argv, before and after a command module loads
  it.each([
    [['trace', 'c-1', '--phone=+40721234567'], '+40721234567', "unknown option '--phone=+***67'"],
    [['-o', 'ion.popescu@example.com', 'trace', 'c-1'], 'ion.popescu', "argument 'i***@***.com' is invalid"],
    [['call 0721234567'], '0721234567', "unknown command 'call +***67'"],
  ])('a usage error quoting argv %j is masked like every other line', async (args, raw, masked) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(masked);
    expect(run.stderr).not.toContain(raw);
    expect(run.stderr).toMatch(/hint: run "medicalcor( trace)? --help" for usage/);
  });

  // a child process: only a real pipe can be closed by its reader
  it('a reader that closes the pipe early (| head) is not a crash', async () => {
    // far more than a pipe buffer, written in many writes, so some land after the reader is gone
    const files = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `2024010100${String(i).padStart(4, '0')}_t${i}.sql`,
        migration(
          `create table t${i} (id bigint primary key${', c text'.repeat(60)});`.replace(
            /c text/g,
            (_m, o) => `c${o} text`,
          ),
          `drop table t${i};`,
        ),
      ]),
    );
    const dir = makeMigrationsDir(files);
    const db = await createTestDatabase('mc_pipe');
    try {
      const child = spawnCli(['--database-url', db.url, '--migrations-dir', dir, 'migrate', 'plan']);
      child.stdout!.once('data', () => child.stdout!.destroy());
      const result = await child;
      expect(String(result.stderr)).not.toContain('EPIPE');
      expect(result.exitCode).toBe(0);
    } finally {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
