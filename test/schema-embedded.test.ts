import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../src/core/db/index.js';
import { repoRoot, runCli } from './helpers/cli.js';
import { DRIFT_CASES } from './schema-drift-cases.js';

const cacheDir = join(tmpdir(), 'medicalcor-test-cache-schema-embedded');
const cacheEnv = { XDG_CACHE_HOME: cacheDir };

/** Runs SQL on the project's embedded database (PGlite), as an operator's psql session would. */
async function onEmbedded(dataDir: string, statements: string[]): Promise<void> {
  const server = await startEmbedded({ dataDir, command: 'schema-embedded test' });
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end().catch(() => {});
    await server.stop();
  }
}

describe('medicalcor schema check --live on the embedded database (no server configured)', () => {
  let project: string;
  let migrations: string;
  const cli = (args: string[]) => runCli(['--migrations-dir', migrations, ...args], { cwd: project, env: cacheEnv });

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'mc-schema-embedded-'));
    migrations = join(project, 'migrations');
    cpSync(`${repoRoot}src/migrations`, migrations, { recursive: true });
    // without a snapshot, check --live compares the migrations with the live database only
    rmSync(join(migrations, 'schema.snapshot.json'), { force: true });
    const up = await cli(['migrate', 'up']);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 120_000);

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('an untouched embedded database exits 0', async () => {
    const result = await cli(['schema', 'check', '--live']);
    expect(result.stdout).toContain('No drift (migrations → live database)');
    expect(result.exitCode, result.stderr).toBe(0);
  }, 60_000);

  it('one change of each object kind: exit 3, each object named; no shadow left in the cache', async () => {
    await onEmbedded(
      join(project, '.medicalcor', 'pgdata'),
      DRIFT_CASES.map(([, sql]) => sql),
    );
    const result = await cli(['schema', 'check', '--live', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout) as { differences: { comparison: string; summary: string }[] };
    const summaries = json.differences
      .filter((d) => d.comparison === 'migrations → live database')
      .map((d) => d.summary);
    for (const [kind, , expected] of DRIFT_CASES) {
      const [object, what] = [expected.slice(0, expected.indexOf(': ')), expected.slice(expected.indexOf(': ') + 2)];
      expect(
        summaries.some((s) => s.startsWith(`${object}: `) && s.includes(what)),
        `${kind}: "${expected}" in\n${summaries.join('\n')}`,
      ).toBe(true);
    }
    expect(
      existsSync(cacheDir) ? readdirSync(join(cacheDir, 'medicalcor')).filter((n) => n.startsWith('shadow-')) : [],
    ).toEqual([]);
  }, 90_000);
});
