import { randomBytes } from 'node:crypto';
import { Client } from '../db/pg.js';
import { connectionError, withLoopbackSslDisabled } from '../db/index.js';
import { interrupted, invalidInput, problemFound, unavailable } from '../errors.js';
import { dbmateError, runDbmate } from '../migrations/index.js';
import { maskUrl } from '../redact.js';
import { embeddedEngineVersion, startEmbeddedShadow } from './embedded-shadow.js';

export type ShadowMode = 'auto' | 'server' | 'embedded';

export interface ShadowOptions {
  /** a server on which a temporary database may be created; none: the embedded PGlite */
  serverUrl?: string;
  /** where the prepared PGlite data directory is kept, so a shadow does not run initdb every time */
  cacheDir: string;
  mode?: ShadowMode;
  onNote?: (line: string) => void;
  /** long phases, for a spinner: "starting the embedded shadow" */
  onProgress?: (text: string) => void;
}

export interface ShadowDatabase {
  url: string;
  kind: 'server' | 'embedded';
  /** the engine and its version, e.g. "PostgreSQL 150004" or "pglite 0.5.14 (PostgreSQL 18)" */
  engine: string;
  /** shown to the operator: the temporary database's name on the server, or "embedded" */
  description: string;
  /** drops the temporary database (or stops and deletes the embedded one); safe to call twice */
  close(): Promise<void>;
}

/** Prefix of every shadow database's name, so a DBA can recognise one left by a killed process. */
export const SHADOW_PREFIX = 'medicalcor_shadow_';

const PERMISSION_CODES = new Set(['42501']);

/**
 * A throw-away database: a temporary database on the configured server when the role may create
 * one (same major version as the target), otherwise the embedded PGlite started from a prepared
 * data directory.
 */
export async function openShadow(options: ShadowOptions): Promise<ShadowDatabase> {
  const mode = options.mode ?? 'auto';
  if (mode !== 'embedded' && options.serverUrl) {
    const shadow = await createServerShadow(options.serverUrl, mode === 'server');
    if (shadow) {
      options.onNote?.(
        `note: applying the migrations to a temporary database, ${shadow.description} (dropped afterwards)`,
      );
      return shadow;
    }
    options.onNote?.(
      'note: no temporary database can be created on the configured server; using an embedded shadow database instead',
    );
  } else if (mode === 'server') {
    throw invalidInput('A server shadow needs a database server, and none is configured.', {
      code: 'schema.shadow-server-missing',
      remedy: 'Configure a database, or apply the migrations to the embedded shadow.',
    });
  }
  const server = await startEmbeddedShadow(options.cacheDir, options.onProgress);
  return {
    url: server.url,
    kind: 'embedded',
    engine: embeddedEngineVersion(),
    description: 'embedded PGlite',
    close: () => server.stop(),
  };
}

/** The engine a server shadow runs on, e.g. "PostgreSQL 150004": part of the model cache's key. */
export async function serverEngineVersion(serverUrl: string): Promise<string> {
  const client = new Client({
    connectionString: serverUrl,
    application_name: 'medicalcor schema',
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query('show server_version_num');
    return `PostgreSQL ${rows[0]?.server_version_num}`;
  } catch (error) {
    throw connectionError(error, serverUrl);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createServerShadow(serverUrl: string, required: boolean): Promise<ShadowDatabase | undefined> {
  const name = `${SHADOW_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({
    connectionString: serverUrl,
    application_name: 'medicalcor schema (shadow)',
    connectionTimeoutMillis: 10_000,
  });
  // an idle connection cut by the server must not crash the process; close() reports it
  admin.on('error', () => {});
  try {
    await admin.connect();
  } catch (error) {
    throw connectionError(error, serverUrl);
  }
  try {
    // template0: nothing installed into template1 on that server may leak into the shadow
    await admin.query(`create database ${name} template template0`);
  } catch (error) {
    await admin.end().catch(() => {});
    if (!required && PERMISSION_CODES.has((error as { code?: string }).code ?? '')) return undefined;
    throw connectionError(error, serverUrl);
  }
  const url = new URL(withLoopbackSslDisabled(serverUrl));
  url.pathname = `/${name}`;
  const drop = () => admin.query(`drop database if exists ${name} with (force)`);
  // A server that accepts CREATE DATABASE but serves one database whatever the URL says (the
  // embedded PGlite does) would make the "shadow" the live database: make sure it is not.
  if (!(await servesDatabase(url.toString(), name))) {
    await drop().catch(() => {});
    await admin.end().catch(() => {});
    if (required) {
      throw invalidInput(`The server at ${maskUrl(serverUrl)} cannot host a separate shadow database.`, {
        code: 'schema.shadow-server-unfit',
        remedy: 'Apply the migrations to the embedded shadow instead.',
      });
    }
    return undefined;
  }
  const version = await admin.query('show server_version_num').then(
    (r) => String(r.rows[0]?.server_version_num),
    () => 'unknown',
  );
  let closed = false;
  return {
    url: url.toString(),
    kind: 'server',
    engine: `PostgreSQL ${version}`,
    description: `${name} on ${url.hostname}:${url.port || 5432}`,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await drop();
      } finally {
        await admin.end().catch(() => {});
      }
    },
  };
}

async function servesDatabase(url: string, name: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    const { rows } = await client.query('select current_database() as name');
    return rows[0]?.name === name;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** dbmate's words for "the database could not be reached", as opposed to a migration that fails. */
const CONNECTION_FAILURE_WORDS = [
  'dial tcp',
  'connection refused',
  'no such host',
  'i/o timeout',
  'could not connect',
  'unable to connect',
  'broken pipe',
  'connection reset',
  'unexpected EOF',
]; // plain words: none holds a regular-expression special character
const CONNECTION_FAILURE = new RegExp(CONNECTION_FAILURE_WORDS.join('|'), 'i');

/** Applies the migrations in `migrationsDir` to the shadow with dbmate, as a release would. */
export async function applyMigrations(
  shadow: ShadowDatabase,
  migrationsDir: string,
  options: { signal?: AbortSignal; secrets?: readonly string[] } = {},
): Promise<void> {
  const result = await runDbmate('migrate', {
    url: shadow.url,
    migrationsDir,
    signal: options.signal,
    secrets: options.secrets,
  });
  if (result.interrupted || options.signal?.aborted)
    throw interrupted('Interrupted; the shadow database was removed.', { code: 'schema.interrupted' });
  if (!result.ok) {
    const error = dbmateError(result);
    if (CONNECTION_FAILURE.test(error)) {
      throw unavailable(`The shadow database (${shadow.description}) could not be reached: ${error}`, {
        code: 'schema.shadow-unreachable',
        facts: { shadow: shadow.description },
      });
    }
    throw problemFound(`The migrations in ${migrationsDir} do not apply to a fresh database: ${error}`, {
      code: 'schema.migrations-do-not-apply',
      facts: { migrationsDir },
      remedy: 'Fix the failing migration; the migration lint may point at it.',
    });
  }
}
