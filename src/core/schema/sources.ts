import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { openPool } from '../db/index.js';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { maskUrl } from '../redact.js';
import { introspect } from './introspect.js';
import type { SchemaModel } from './model.js';
import { applyMigrations, openShadow, type ShadowMode } from './shadow.js';
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
    throw new CliError(`"${arg}" is not a database URL, a migrations directory or a snapshot file.`, ExitCode.Usage,
      'Give a postgres:// URL, a directory of dbmate migrations, a snapshot .json file, or one of: migrations, snapshot, live.');
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
}

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

/** Applies the migrations to a throw-away shadow database and reads its schema; the shadow is always removed. */
export async function modelFromMigrations(dir: string, deps: LoadDeps): Promise<SchemaModel> {
  const shadow = await openShadow({ serverUrl: deps.shadowServerUrl, cacheDir: deps.cacheDir, mode: deps.shadowMode, onNote: deps.onNote });
  try {
    await applyMigrations(shadow, dir, { signal: deps.signal, secrets: deps.secrets });
    return await introspectUrl(shadow.url);
  } finally {
    await shadow.close();
  }
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
