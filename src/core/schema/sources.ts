import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from '../db/pg.js';
import { openPool } from '../db/index.js';
import { invalidInput } from '../errors.js';
import { typedValue } from '../mask/typed-value.js';
import { maskUrl } from '../redact.js';
import { proveBehaviours, type BehaviourResult } from './behaviours.js';
import { embeddedEngineVersion } from './embedded-shadow.js';
import { introspect } from './introspect.js';
import { behavioursKey, migrationsKey, ModelCache } from './model-cache.js';
import type { SchemaModel } from './model.js';
import type { PolicyBehaviour } from './policy.js';
import { applyMigrations, openShadow, serverEngineVersion, type ShadowMode } from './shadow.js';
import { readSnapshot } from './snapshot.js';

/** Where a schema comes from: a live database, the migrations (applied to a shadow), or a snapshot file. */
export type SchemaSource =
  | { type: 'database'; url: string; label: string }
  | { type: 'migrations'; dir: string; label: string }
  | { type: 'snapshot'; file: string; label: string };

/** Tells the three kinds of source apart by their form: a postgres:// URL, a directory, a file. */
export function detectSource(arg: string, cwd: string): SchemaSource {
  if (/^postgres(ql)?:\/\//i.test(arg)) return { type: 'database', url: arg, label: maskUrl(arg) };
  const path = resolve(cwd, arg);
  if (!existsSync(path)) {
    throw invalidInput(`${typedValue(arg)} is not a database URL, a migrations directory or a snapshot file.`, {
      code: 'schema.source-unknown',
      facts: { source: arg },
      remedy:
        'Give a postgres:// URL, a directory of dbmate migrations, a snapshot .json file, ' +
        'or one of: migrations, snapshot, live.',
    });
  }
  if (statSync(path).isDirectory()) return { type: 'migrations', dir: path, label: `migrations ${arg}` };
  return { type: 'snapshot', file: path, label: `snapshot ${arg}` };
}

export interface LoadDeps {
  cacheDir: string;
  /** where a shadow database may be created (the configured server), if anywhere */
  shadowServerUrl?: string;
  shadowMode?: ShadowMode;
  signal?: AbortSignal;
  secrets?: readonly string[];
  onNote?: (line: string) => void;
  /** long phases ("applying migrations to the shadow"), for a spinner */
  onProgress?: (text: string) => void;
  /** reuse the model cached for the same migration files and engine (default: yes) */
  useCache?: boolean;
  /**
   * work that needs the migrated shadow itself (the sample events check), run after the
   * introspection and before the shadow is removed: with it, a cached model does not stand in
   */
  inShadow?: (url: string) => Promise<void>;
}

/** Reads the schema of the database at `url`. */
export async function introspectUrl(url: string): Promise<SchemaModel> {
  const pool = await openPool(url, { max: 1, applicationName: 'medicalcor schema' });
  try {
    const client = await pool.connect();
    try {
      return await introspect(client);
    } finally {
      client.release();
    }
  } finally {
    await pool.end().catch(() => {});
  }
}

/** The live database's schema: the name the migrate baseline uses. */
export const introspectLive = introspectUrl;

export interface MigrationsSchema {
  model: SchemaModel;
  /** the engine the shadow runs (or ran, when cached) on */
  engine: string;
  /** read from the model cache: no database was started */
  fromCache: boolean;
  /** the policy's behaviours proved in the shadow, when asked for */
  behaviours?: BehaviourResult[];
}

/** The engine a shadow would run on, known without starting it (a server is asked its version). */
async function shadowEngine(deps: LoadDeps): Promise<string> {
  if (deps.shadowMode === 'embedded' || !deps.shadowServerUrl) return embeddedEngineVersion();
  return serverEngineVersion(deps.shadowServerUrl);
}

/**
 * The schema the migrations in `dir` produce: from the model cache when the same files were
 * applied on the same engine before, else applied to a throw-away shadow (always removed) and
 * introspected. With `behaviours`, those are proved in the shadow too (and cached alike).
 */
export async function readMigrationsSchema(
  dir: string,
  deps: LoadDeps,
  behaviours: readonly PolicyBehaviour[] = [],
): Promise<MigrationsSchema> {
  const useCache = deps.useCache !== false;
  const engine = await shadowEngine(deps);
  const key = migrationsKey(dir, engine);
  const cache = new ModelCache(deps.cacheDir);
  const behavioursHash = behavioursKey(behaviours);
  if (useCache && !deps.inShadow) {
    const model = await cache.model(key);
    const proved = behaviours.length ? cache.behaviours(key, behavioursHash) : [];
    if (model && proved) return { model, engine, fromCache: true, behaviours: behaviours.length ? proved : undefined };
  }
  const shadow = await openShadow({
    serverUrl: deps.shadowServerUrl,
    cacheDir: deps.cacheDir,
    mode: deps.shadowMode,
    onNote: deps.onNote,
    onProgress: deps.onProgress,
  });
  try {
    deps.onProgress?.(`applying the migrations to the shadow (${shadow.description})`);
    await applyMigrations(shadow, dir, { signal: deps.signal, secrets: deps.secrets });
    deps.onProgress?.('introspecting the shadow');
    const client = new Client({ connectionString: shadow.url, application_name: 'medicalcor schema' });
    client.on('error', () => {});
    await client.connect();
    try {
      const model = await introspect(client);
      let proved: BehaviourResult[] | undefined;
      if (behaviours.length) {
        deps.onProgress?.('proving the policy behaviours in the shadow');
        proved = await proveBehaviours(client, behaviours);
      }
      if (useCache) cache.store(key, engine, model, proved ? { hash: behavioursHash, results: proved } : undefined);
      await client.end().catch(() => {});
      await deps.inShadow?.(shadow.url);
      return { model, engine, fromCache: false, behaviours: proved };
    } finally {
      await client.end().catch(() => {});
    }
  } finally {
    await shadow.close();
  }
}

/** The schema the migrations in `dir` produce (cached, or applied to a throw-away shadow). */
export async function modelFromMigrations(dir: string, deps: LoadDeps): Promise<SchemaModel> {
  return (await readMigrationsSchema(dir, deps)).model;
}

export async function loadModel(source: SchemaSource, deps: LoadDeps): Promise<SchemaModel> {
  switch (source.type) {
    case 'database':
      return introspectUrl(source.url);
    case 'snapshot':
      return readSnapshot(source.file);
    case 'migrations':
      return modelFromMigrations(source.dir, deps);
  }
}
