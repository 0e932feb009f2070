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
  // a rejected value of several words (most likely a name pasted in the wrong place) is described, not echoed
  it.each([
    [['trace', 'c-1', '--phone=+40721234567'], '+40721234567', "unknown option '--phone=+***67'"],
    [['-o', 'ion.popescu@example.com', 'trace', 'c-1'], 'ion.popescu', "argument 'i***@***.com' is invalid"],
    [['-o', 'Ion Popescu', 'trace', 'c-1'], 'Popescu', 'argument (a value of 2 words) is invalid'],
    [['trace', 'c-1', '--patient=Ion Popescu'], 'Popescu', "unknown option '--patient=[a value of 2 words]'"],
    [['Ion Popescu'], 'Popescu', 'unknown command (a value of 2 words)'],
    [['trace', 'Ion Popescu'], 'Popescu', 'a value of 2 words is not a correlation ID'],
  ])('a usage error about what was typed, %j, shows no patient data', async (args, raw, shown) => {
    const run = await runCli(args);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(shown);
    expect(run.stderr).not.toContain(raw);
    expect(run.stderr).toMatch(/hint: (run "medicalcor( trace)? --help" for usage|Copy it from the log line)/);
  });

  it('a mistyped one-word value is still echoed, so the typo can be seen', async () => {
    const run = await runCli(['-o', 'jsno', 'trace', 'c-1']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("argument 'jsno' is invalid");
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
