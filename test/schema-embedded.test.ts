import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../src/core/db/index.js';
import { embeddedEngineVersion, templateTarball } from '../src/core/schema/embedded-shadow.js';
import { migrationsKey } from '../src/core/schema/model-cache.js';
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
    // the project root, and so its embedded database, is here, whatever a directory above holds
    // (a .medicalcor/ another run left in the temporary directory would be found first)
    mkdirSync(join(project, '.medicalcor'));
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

interface CheckJson {
  ok: boolean;
  cached: boolean;
  behavioursProved: number;
  differences: unknown[];
}

describe('schema check without a server: the embedded shadow from an empty cache directory', () => {
  let project: string;
  let cacheHome: string;
  const cacheDir = () => join(cacheHome, 'medicalcor');
  const check = () =>
    runCli(['--migrations-dir', `${repoRoot}src/migrations`, 'schema', 'check', '-o', 'json'], {
      cwd: project,
      env: { XDG_CACHE_HOME: cacheHome },
    });

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'mc-schema-shadow-'));
    cacheHome = join(project, 'cache');
  });

  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('two first runs at once share the cache directory: both pass, one template, nothing half-written', async () => {
    // the template an older build of this PGlite version left (40 MB) is not kept beside the new one
    const old = join(cacheDir(), `pglite-${embeddedEngineVersion().split(' ')[1]}-template.tar`);
    mkdirSync(cacheDir(), { recursive: true });
    writeFileSync(old, 'an older template');
    const [a, b] = await Promise.all([check(), check()]);
    for (const run of [a, b]) {
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, cached: false, behavioursProved: 4, differences: [] });
    }
    expect(readdirSync(cacheDir()).sort()).toEqual([templateTarball(cacheDir()).split('/').pop(), 'schema-models']);
    expect(readdirSync(join(cacheDir(), 'schema-models'))).toHaveLength(1);
  }, 240_000);

  it('a warm run reads the cache; a cold one loads the template without preparing it again', async () => {
    const template = templateTarball(cacheDir());
    const prepared = statSync(template).mtimeMs;
    const warm = await check();
    expect(warm.exitCode, warm.stderr).toBe(0);
    expect(JSON.parse(warm.stdout)).toMatchObject({ ok: true, cached: true, behavioursProved: 4 });

    rmSync(join(cacheDir(), 'schema-models'), { recursive: true });
    const cold = await check();
    expect(cold.exitCode, cold.stderr).toBe(0);
    expect(JSON.parse(cold.stdout) as CheckJson).toMatchObject({ ok: true, cached: false, behavioursProved: 4 });
    expect(statSync(template).mtimeMs).toBe(prepared);
    expect(readdirSync(cacheDir()).filter((n) => n.includes('.lock'))).toEqual([]);
  }, 180_000);

  it('a damaged template is removed, named in the error, and prepared afresh by the next run', async () => {
    writeFileSync(templateTarball(cacheDir()), readFileSync(templateTarball(cacheDir())).subarray(0, 100_000));
    rmSync(join(cacheDir(), 'schema-models'), { recursive: true });
    const damaged = await check();
    expect(damaged.exitCode).toBe(1);
    expect(damaged.stderr).toContain('embedded shadow database cannot start');
    expect(existsSync(templateTarball(cacheDir()))).toBe(false);
    const again = await check();
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, cached: false });
  }, 180_000);

  it('the model cache key changes with any migration file and with the engine version', () => {
    const dir = join(project, 'migrations');
    cpSync(`${repoRoot}src/migrations`, dir, { recursive: true });
    const engine = embeddedEngineVersion();
    const key = migrationsKey(dir, engine);
    expect(migrationsKey(dir, engine)).toBe(key);
    expect(migrationsKey(dir, engine.replace(/pglite \S+/, 'pglite 0.0.0'))).not.toBe(key);
    const file = join(dir, '20250101000002_event_store.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')} `);
    expect(migrationsKey(dir, engine)).not.toBe(key);
  });
});
