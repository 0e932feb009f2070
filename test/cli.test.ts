import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from './helpers/cli.js';

describe('the CLI shell', () => {
  it('--help lists every command and exits 0; --version prints the version', async () => {
    const help = await runCli(['--help']);
    expect(help.exitCode).toBe(0);
    for (const command of ['migrate', 'schema', 'trace', 'runbook', 'breaker', 'budget', 'sla', 'check', 'demo']) expect(help.stdout).toContain(command);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('usage errors exit 2 with a hint, not commander’s 1', async () => {
    const run = await runCli(['migrate', 'down', '--no-such-flag']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown option '--no-such-flag'");
    expect(run.stderr).toContain('medicalcor migrate --help');
  });

  it('a reader that closes the pipe early (| head) is not a crash', async () => {
    const child = spawnCli(['migrate', 'plan', '-o', 'json']);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const result = await child;
    expect(String(result.stderr)).not.toContain('EPIPE');
    expect(result.exitCode).toBe(0);
  });
});
