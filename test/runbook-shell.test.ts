/**
 * core/shell: a command and everything it starts live in one process group that ends with it,
 * on abort, on timeout, and when the command exits leaving a background grandchild. Real
 * `sh -c 'sleep …; touch marker'` grandchildren; the state afterwards is asserted (no marker,
 * no process left), never the wall time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/core/shell/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mc-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { PATH: process.env.PATH };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes whose command line names this marker (each test uses its own). */
function processesNaming(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('runCommand', () => {
  it('runs an argv, returns its output and exit code, and reports a program that cannot start', async () => {
    const ok = await runCommand(['sh', '-c', 'echo "out $1"; echo err >&2; exit 3', '_', 'x; touch owned'], {
      env,
      timeoutMs: 30_000,
    });
    expect(ok).toMatchObject({
      exitCode: 3,
      stdout: 'out x; touch owned',
      stderr: 'err',
      timedOut: false,
      interrupted: false,
    });
    expect(existsSync('owned')).toBe(false);
    const missing = await runCommand(['no-such-program-mc'], { env, timeoutMs: 30_000 });
    expect(missing.spawnError).toBe('ENOENT');
    expect(missing.exitCode).toBeNull();
  });

  it('the environment is exactly the one given', async () => {
    const result = await runCommand(['node', '-e', 'console.log(JSON.stringify(Object.keys(process.env).sort()))'], {
      env: { ...env, ONLY_THIS: '1' },
      timeoutMs: 30_000,
    });
    expect(JSON.parse(result.stdout)).toEqual(['ONLY_THIS', 'PATH']);
  });

  for (const how of ['abort', 'timeout'] as const) {
    it(`${how}: the sh -c grandchild dies with its group and never finishes the step`, async () => {
      const marker = join(dir, `${how}.marker`);
      const started = join(dir, `${how}.started`);
      const controller = new AbortController();
      const running = runCommand(['sh', '-c', `touch ${started}; sleep 4; touch ${marker}`], {
        env,
        timeoutMs: how === 'timeout' ? 1_500 : 60_000,
        signal: controller.signal,
      });
      for (let i = 0; i < 400 && !existsSync(started); i++) await pause(25);
      expect(existsSync(started)).toBe(true);
      if (how === 'abort') controller.abort();
      const result = await running;
      expect(how === 'abort' ? result.interrupted : result.timedOut).toBe(true);
      expect(processesNaming(marker)).toEqual([]);
      await pause(5_000);
      expect(existsSync(marker)).toBe(false);
    }, 60_000);
  }

  it('a background grandchild left behind by a command that exited is ended with it', async () => {
    const marker = join(dir, 'background.marker');
    const result = await runCommand(['sh', '-c', `(sleep 3; touch ${marker}) & echo started`], {
      env,
      timeoutMs: 30_000,
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started' });
    expect(processesNaming(marker)).toEqual([]);
    await pause(4_000);
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
