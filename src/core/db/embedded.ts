import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDomainError, unavailable } from '../errors.js';
import { acquireFileLock } from './file-lock.js';

export interface EmbeddedServer {
  /** a postgres:// URL on a loopback port, for pg and dbmate alike */
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** the command holding the data directory, shown to a second process that waits for it */
  command?: string;
  lockTimeoutMs?: number;
}

/**
 * Starts PGlite (PostgreSQL 18 in WASM) on a data directory with the platform's extensions and
 * serves it on a loopback socket. PGlite and its socket server are imported here only, so
 * commands that never touch the embedded database do not load them.
 */
export async function startEmbedded({
  dataDir,
  command = 'medicalcor',
  lockTimeoutMs = 60_000,
}: EmbeddedOptions): Promise<EmbeddedServer> {
  const release = await acquireFileLock(`${dataDir}.lock`, command, lockTimeoutMs);
  try {
    const [{ PGlite }, { vector }, { pgcrypto }, { uuid_ossp }, { PGLiteSocketServer }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
      import('@electric-sql/pglite/contrib/pgcrypto'),
      import('@electric-sql/pglite/contrib/uuid_ossp'),
      import('@electric-sql/pglite-socket'),
    ]);
    mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create({ dataDir, extensions: { vector, pgcrypto, uuid_ossp } });
    // dbmate opens more than one connection; the socket server queues their queries.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    let stopped = false;
    return {
      url,
      dataDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          await server.stop();
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    if (isDomainError(error)) throw error;
    throw unavailable(`Cannot start the embedded database in ${dataDir}: ${(error as Error).message}`, {
      code: 'db.embedded-start',
      facts: { dataDir },
      remedy: 'Remove the directory to start afresh if it is damaged.',
      cause: error,
    });
  }
}

/**
 * Runs initdb once into the shared template. Parallel processes on a cold cache (CI jobs) take
 * turns under a lock; the template appears by one rename, so no reader sees it half-written.
 */
async function prepareTemplate(template: string): Promise<void> {
  mkdirSync(dirname(template), { recursive: true });
  const release = await acquireFileLock(`${template}.prepare.lock`, 'prepare the embedded template', 120_000);
  try {
    if (existsSync(join(template, 'PG_VERSION'))) return;
    const tmp = `${template}.${process.pid}`;
    const server = await startEmbedded({ dataDir: tmp, command: 'prepare embedded template' });
    await server.stop();
    rmSync(template, { recursive: true, force: true });
    renameSync(tmp, template);
  } finally {
    release();
  }
}

/**
 * A throw-away embedded database started from a prepared (already initdb'ed) data directory:
 * copying it takes milliseconds, where initdb takes seconds.
 */
export async function startScratchEmbedded(cacheDir: string, scratchDir: string): Promise<EmbeddedServer> {
  const template = join(cacheDir, 'pglite-template');
  if (!existsSync(join(template, 'PG_VERSION'))) await prepareTemplate(template);
  rmSync(scratchDir, { recursive: true, force: true });
  cpSync(template, scratchDir, { recursive: true });
  const server = await startEmbedded({ dataDir: scratchDir, command: 'scratch database' });
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(scratchDir, { recursive: true, force: true });
    },
  };
}
