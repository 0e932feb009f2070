import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

// a fresh project directory: the embedded database, nothing else configured
const cwd = mkdtempSync(join(tmpdir(), 'mc-check-demo-'));
/** schema-drift's PGlite template, kept out of the real home cache; one per test file, as two files preparing one directory at once would race */
const cacheHome = join(tmpdir(), 'medicalcor-test-cache-check-demo');
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('medicalcor demo: readiness', () => {
  it('ends with the readiness checks on the embedded database it just set up', async () => {
    const demo = await runCli(['demo'], { cwd, env: { MEDICALCOR_REDIS_PREFIX: `mctest:check-demo:${process.pid}:`, XDG_CACHE_HOME: cacheHome } });
    expect(demo.exitCode, demo.stderr).toBe(0);
    const section = demo.stdout.slice(demo.stdout.indexOf('== check: readiness'));
    expect(section).toMatch(/pass\s+database\s+yes\s+embedded database/);
    expect(section).toMatch(/pass\s+migrations-pending\s+yes/);
    expect(section).toMatch(/pass\s+schema-drift\s+yes/);
    expect(section).toMatch(/skip\s+prometheus\s+no\s+no Prometheus configured/);
    expect(section).toMatch(/Readiness \d+ % on local \(.*\): ready/);
  });
});
