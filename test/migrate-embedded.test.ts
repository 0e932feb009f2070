import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const project = mkdtempSync(join(tmpdir(), 'mc-embedded-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
const cli = (...args: string[]) => runCli(args, { cwd: project });

describe('the embedded database (nothing installed, nothing configured)', () => {
  const DEMO_USES_EMBEDDED =
    'demo applies the MedicalCor schema to .medicalcor/pgdata and says once that the embedded database is used';
  it(DEMO_USES_EMBEDDED, async () => {
    const run = await cli('demo');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(join(project, '.medicalcor', 'pgdata'))).toBe(true);
    expect(run.stderr.match(/using the embedded database/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/migrate up: \d+ applied/);
    expect(run.stdout).toContain('0 pending');
  });

  it('every migration rolls back cleanly on PostgreSQL 18 (PGlite) and applies again', async () => {
    const status = JSON.parse((await cli('migrate', 'status', '-o', 'json')).stdout);
    const count = status.applied as number;
    expect(count).toBeGreaterThanOrEqual(9);
    const down = await cli('migrate', 'down', String(count));
    expect(down.exitCode, down.stderr).toBe(0);
    const after = JSON.parse((await cli('migrate', 'status', '-o', 'json')).stdout);
    expect(after).toMatchObject({ applied: 0, pending: count, currentVersion: null });
    const up = await cli('migrate', 'up');
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse((await cli('migrate', 'verify', '-o', 'json')).stdout).errors).toBe(0);
  });

  it('two processes on one embedded data directory take turns instead of corrupting it', async () => {
    const [a, b] = await Promise.all([cli('migrate', 'status', '-o', 'json'), cli('migrate', 'status', '-o', 'json')]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    expect(JSON.parse(a.stdout).currentVersion).toBe(JSON.parse(b.stdout).currentVersion);
  });
});
