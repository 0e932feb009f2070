import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliResult } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

// a fresh project directory: the embedded database, nothing else configured
const cwd = mkdtempSync(join(tmpdir(), 'mc-check-demo-'));
/**
 * schema-drift's PGlite template, kept out of the real home cache; one per test file, as two files preparing one
 * directory at once would race
 */
const cacheHome = join(tmpdir(), 'medicalcor-test-cache-check-demo');
const env = { MEDICALCOR_REDIS_PREFIX: `mctest:check-demo:${process.pid}:`, XDG_CACHE_HOME: cacheHome };
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

let demo: CliResult;
beforeAll(async () => {
  demo = await runInProcess(['demo'], { cwd, env });
}, 300_000);

describe('medicalcor demo: readiness', () => {
  it('ends with the readiness checks on the embedded database it just set up', () => {
    expect(demo.exitCode, demo.stderr).toBe(0);
    const section = demo.stdout.slice(demo.stdout.indexOf('== check: readiness'));
    expect(section).toMatch(/pass\s+database\s+yes\s+embedded database/);
    expect(section).toMatch(/pass\s+migrations-pending\s+yes/);
    expect(section).toMatch(/pass\s+schema-drift\s+yes/);
    expect(section).toMatch(/skip\s+prometheus\s+no\s+no Prometheus configured/);
    // nothing configured: the machine's Redis is not read
    expect(section).toMatch(/skip\s+redis\s+no\s+not configured: no Redis is read/);
    expect(section).toMatch(/Readiness \d+ % on local \(.*\): ready/);
  });

  it('says once which database it uses and why', () => {
    const notes = demo.stderr.split('\n').filter((l) => l.startsWith('note: database:'));
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^note: database: using the embedded database in \.medicalcor/pgdata ` +
            String.raw`\(project root .*, found by its working directory\), because nothing is configured$`,
        ),
      ),
    ]);
  });

  it('-o json prints one JSON document: migrations, the sample trace and the readiness report', async () => {
    const run = await runInProcess(['demo', '-o', 'json'], { cwd, env });
    expect(run.exitCode, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.database).toMatchObject({ embedded: true, source: 'embedded' });
    expect(json.migrate.migrations.length).toBeGreaterThanOrEqual(10);
    expect(json.migrate.pending).toBe(0);
    expect(json.trace.correlationId).toBe('demo-journey-0001');
    expect(json.check).toMatchObject({ environment: 'local', ready: true });
  }, 300_000);
});
