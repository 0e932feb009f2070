import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

// The example lives inside the package so that 'medicalcor/core' resolves as a service resolves it
// (package.json "exports" → dist/core), not through a path alias.
const dir = join(repoRoot, 'test', `.library-example-${randomBytes(4).toString('hex')}`);
const prefix = uniquePrefix('library');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('mc_library');
  await applySchema(db.url);
  mkdirSync(dir, { recursive: true });
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(TEST_REDIS_URL);
  await deleteKeys(redis, prefix);
  redis.disconnect();
  await db?.drop();
});

describe('docs/library.md', () => {
  it('its service example compiles against the built package and does what the page says', async () => {
    const page = readFileSync(join(repoRoot, 'docs', 'library.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
    expect(code, 'docs/library.md has a ```ts example').toBeTruthy();
    writeFileSync(join(dir, 'example.ts'), code!);
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await execa(
      'node',
      [
        tsc,
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--strict',
        '--skipLibCheck',
        '--types',
        'node',
        '--rootDir',
        dir,
        '--outDir',
        dir,
        join(dir, 'example.ts'),
      ],
      { cwd: repoRoot, reject: false },
    );
    expect(compiled.exitCode, String(compiled.stdout)).toBe(0);

    const run = await execa('node', [join(dir, 'example.js')], {
      cwd: repoRoot,
      reject: false,
      env: { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix },
    });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const lines = String(run.stdout).trim().split('\n');
    expect(lines[0]).toMatch(/^refused: /);
    const summary = JSON.parse(lines.at(-1)!);
    expect(summary.score).toBe(87);
    expect(summary.masked).not.toContain('721 234 567');

    const { rows: events } = await db.pool.query(
      'SELECT event_type, schema_version FROM domain_events WHERE correlation_id = $1',
      [summary.correlationId],
    );
    expect(events).toEqual([{ event_type: 'LeadScored', schema_version: 2 }]);
    const { rows: usage } = await db.pool.query(
      'SELECT tenant_id, model FROM llm_usage_logs WHERE correlation_id = $1',
      [summary.correlationId],
    );
    expect(usage).toHaveLength(1);
    const { rows: calls } = await db.pool.query(
      'SELECT error_message FROM integration_logs WHERE correlation_id = $1',
      [summary.correlationId],
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].error_message).not.toContain('Popescu');
    expect(calls[0].error_message).not.toContain('721 234 567');
  });
});
