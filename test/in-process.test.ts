import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';

describe('runCli in-process seam', () => {
  it('runs a command with in-memory streams and returns its exit code', async () => {
    const help = await runInProcess(['migrate', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('migrate');
    const bad = await runInProcess(['migrate', '--no-such-flag']);
    expect(bad.exitCode).toBe(2);
  });
});
