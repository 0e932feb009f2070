import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cleanEnv, repoRoot } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type TriggerFake } from './fakes/trigger-dev.js';
import { writeFailedJourney, type WrittenJourney } from './trace-fixture.js';

/**
 * A trace's start-up is most of its time (bench/trace.mjs): it is kept by what the process loads,
 * which is asserted here, never by how long it takes. `trace ID -o json` reads one file of the
 * project (dist/commands/trace.cjs, pg inside), no package from node_modules, and none of Node's
 * fetch implementation (undici), timing modules or ES module files of the project.
 */
let db: TestDatabase;
let fake: TriggerFake;
let journey: WrittenJourney;

// reports, at exit, which of Node's own modules the process loaded (test/helpers/record-imports.mjs
// reports packages and project files)
const scratch = mkdtempSync(join(tmpdir(), 'mc-trace-startup-'));
const builtinsReport = join(scratch, 'record-builtins.cjs');

beforeAll(async () => {
  writeFileSync(
    builtinsReport,
    `process.on('exit', () => process.stderr.write('loaded-builtins:' + process.moduleLoadList.join(',') + '\\n'));\n`,
  );
  db = await createTestDatabase('mc_trace_startup');
  await applySchema(db.url);
  journey = await writeFailedJourney(db.pool, 'journey-startup', new Date(Date.now() - 10 * 60_000));
  fake = await startTriggerFake({ runs: journey.triggerRuns });
});

afterAll(async () => {
  await fake?.close();
  await db?.drop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('what `trace ID -o json` loads', () => {
  it('one project file and no package; no undici, perf_hooks, crypto or ES module of the project', async () => {
    const result = await execa(
      'node',
      [
        '--import',
        `${repoRoot}test/helpers/record-imports.mjs`,
        '--require',
        builtinsReport,
        binPath,
        'trace',
        journey.correlationId,
        '-o',
        'json',
      ],
      {
        env: cleanEnv({
          MEDICALCOR_DATABASE_URL: db.url,
          MEDICALCOR_TRIGGER_URL: fake.url,
          TRIGGER_SECRET_KEY: fake.secretKey,
        }),
        extendEnv: false,
        reject: false,
        cwd: repoRoot,
      },
    );
    expect(result.exitCode, String(result.stderr)).toBe(3);
    const trace = JSON.parse(String(result.stdout));
    expect(trace.sources.map((s: { state: string }) => s.state)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    const lines = String(result.stderr).split('\n');
    const packages = lines.filter((l) => l.startsWith('imported-package:') && l !== 'imported-package:');
    expect(packages).toEqual([]);
    const files = lines.filter((l) => l.startsWith('imported-file:')).map((l) => l.slice('imported-file:'.length));
    expect(files.filter((f) => f.startsWith('dist/'))).toEqual([]);
    const builtins = (lines.find((l) => l.startsWith('loaded-builtins:')) ?? '').split(',');
    expect(builtins.length).toBeGreaterThan(10);
    expect(builtins.filter((m) => /undici|perf_hooks|zlib/.test(m))).toEqual([]);
    // pg's password hashing (and node:crypto) loads only for password authentication
    expect(builtins).not.toContain('NativeModule crypto');
  });
});
