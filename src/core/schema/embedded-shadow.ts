import { existsSync, mkdirSync, openAsBlob, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { acquireFileLock } from '../db/file-lock.js';
import { unavailable } from '../errors.js';

const require = createRequire(import.meta.url);

/** The PGlite build the shadow runs on: part of the model cache's key (another build may read differently). */
export function embeddedEngineVersion(): string {
  engineVersion ??= `pglite ${pgliteVersion()} (PostgreSQL 18)`;
  return engineVersion;
}
let engineVersion: string | undefined;

/** Its package.json is not exported: found from the entry point upwards. */
function pgliteVersion(): string {
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** The initdb'ed data directory as PGlite's own tarball, one file per PGlite build. */
export function templateTarball(cacheDir: string): string {
  return join(cacheDir, `pglite-${embeddedEngineVersion().split(' ')[1]}-template.tar`);
}

export interface EmbeddedShadow {
  url: string;
  stop(): Promise<void>;
}

async function loadPglite() {
  const [{ PGlite }, { vector }, { pgcrypto }, { uuid_ossp }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('@electric-sql/pglite/contrib/pgcrypto'),
    import('@electric-sql/pglite/contrib/uuid_ossp'),
    import('@electric-sql/pglite-socket'),
  ]);
  return { PGlite, PGLiteSocketServer, extensions: { vector, pgcrypto, uuid_ossp } };
}

/**
 * Runs initdb once (seconds) and keeps the result as a tarball. Parallel processes on a cold cache
 * take turns under a lock; the file appears by one rename, so no reader sees it half-written.
 */
async function prepareTarball(file: string, onProgress?: (text: string) => void): Promise<void> {
  mkdirSync(join(file, '..'), { recursive: true });
  const release = await acquireFileLock(`${file}.lock`, 'prepare the embedded shadow template', 120_000);
  try {
    if (existsSync(file)) return;
    onProgress?.('preparing the embedded shadow template (once per PGlite version)');
    const { PGlite, extensions } = await loadPglite();
    const db = await PGlite.create({ extensions });
    const blob = await db.dumpDataDir('none');
    await db.close();
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
  } finally {
    release();
  }
}

/**
 * A throw-away PGlite held in memory, loaded from the template tarball: nothing is copied on
 * disk and nothing is left to delete, whatever kills the process.
 */
export async function startEmbeddedShadow(
  cacheDir: string,
  onProgress?: (text: string) => void,
): Promise<EmbeddedShadow> {
  const file = templateTarball(cacheDir);
  try {
    if (!existsSync(file)) await prepareTarball(file, onProgress);
    onProgress?.('starting the embedded shadow');
    const { PGlite, PGLiteSocketServer, extensions } = await loadPglite();
    let db;
    try {
      // a file-backed Blob: the tarball is not held in memory beside the data directory it fills;
      // small shared buffers: a shadow holds no data (about 65 MiB less resident memory)
      db = await PGlite.create({
        loadDataDir: await openAsBlob(file),
        extensions,
        startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
      });
    } catch (error) {
      // a damaged tarball (a disk filled while writing): prepared again next time
      rmSync(file, { force: true });
      throw error;
    }
    // dbmate opens more than one connection; the socket server queues their queries
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    let stopped = false;
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop().catch(() => {});
        await db.close().catch(() => {});
      },
    };
  } catch (error) {
    throw unavailable(`The embedded shadow database cannot start: ${(error as Error).message}`, {
      code: 'schema.shadow-start',
      facts: { cacheDir },
      remedy: `Remove ${file} to prepare it afresh, or use a database server for the shadow.`,
      cause: error,
    });
  }
}
