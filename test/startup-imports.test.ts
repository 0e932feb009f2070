import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, cleanEnv, repoRoot } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

/**
 * Start-up speed is a feature (bench/startup.mjs, bench/migrate-up.mjs), and it is lost one eager
 * import at a time. Tests never assert time; they assert what a command loads.
 */
async function packagesLoadedBy(args: string[]): Promise<Set<string>> {
  const result = await execa('node', ['--import', `${repoRoot}test/helpers/record-imports.mjs`, binPath, ...args], {
    env: cleanEnv(),
    extendEnv: false,
    reject: false,
    cwd: repoRoot,
  });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return new Set(
    String(result.stderr)
      .split('\n')
      .filter((l) => l.startsWith('imported-package:'))
      .map((l) => l.slice('imported-package:'.length))
      .filter(Boolean),
  );
}

const HEAVY = [
  'ioredis',
  'undici',
  '@kubernetes/client-node',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  'execa',
  'zod',
  'yaml',
  '@inquirer/prompts',
  'ora',
  'chalk',
];

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('mc_startup');
});
afterAll(async () => {
  await db.drop();
});

describe('what a command loads at start-up', () => {
  it('--help loads no package (commander is bundled into the shell)', async () => {
    expect([...(await packagesLoadedBy(['--help']))]).toEqual([]);
  });

  it("a verb's help and a TAB on a verb load no package either (answered from dist/help.json)", async () => {
    expect([...(await packagesLoadedBy(['migrate', 'up', '--help']))]).toEqual([]);
    expect([...(await packagesLoadedBy(['help', 'runbook', 'run']))]).toEqual([]);
    expect([...(await packagesLoadedBy(['__complete', 'migrate', '']))]).toEqual([]);
  });

  it('migrate status loads pg, but none of the packages other commands need', async () => {
    const loaded = await packagesLoadedBy(['--database-url', db.url, 'migrate', 'status']);
    expect(loaded.has('pg')).toBe(true);
    expect(HEAVY.filter((name) => loaded.has(name))).toEqual([]);
  });
});
