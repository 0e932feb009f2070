import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

const project = mkdtempSync(join(tmpdir(), 'mc-write-targets-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('new files go to the project, never into the installed package', () => {
  it('migrate new with no migrations directory configured is refused (exit 2) and writes nothing', async () => {
    const shipped = join(repoRoot, 'src', 'migrations');
    const before = readdirSync(shipped).sort();
    const result = await runInProcess(['migrate', 'new', 'add_leads_source'], { cwd: project });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/read-only/);
    expect(readdirSync(shipped).sort()).toEqual(before);
  });

  it('runbook new writes under the project root', async () => {
    const result = await runInProcess(['runbook', 'new', 'redis-memory-high', '-o', 'json'], { cwd: project });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(existsSync(join(project, 'runbooks', 'redis-memory-high.yaml'))).toBe(true);
  });
});
