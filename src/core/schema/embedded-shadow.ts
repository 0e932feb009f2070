import {
  existsSync,
  mkdirSync,
  openAsBlob,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { acquireFileLock } from '../db/file-lock.js';
import { unavailable } from '../errors.js';
import { holdBaselineWasm } from './wasm-tiering.js';

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

/**
 * What the template holds; a new value gives the file another name, so an old tarball is never
 * loaded as a new one. 2: 1 MB WAL segments, no template0/template1 (15.7 MB instead of 40 MB).
 */
const TEMPLATE_FORMAT = 2;

/** The initdb'ed data directory as PGlite's own tarball, one file per PGlite build. */
export function templateTarball(cacheDir: string): string {
  return join(cacheDir, `pglite-${embeddedEngineVersion().split(' ')[1]}-f${TEMPLATE_FORMAT}-template.tar`);
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

type Pglite = Awaited<ReturnType<typeof loadPglite>>;
type PgliteDb = Awaited<ReturnType<Pglite['PGlite']['create']>>;

/** PGlite's start parameters for a shadow: small shared buffers, as a shadow holds no data. */
const startParams = (PGlite: Pglite['PGlite']) => [...PGlite.defaultStartParams, '-c', 'shared_buffers=8MB'];

/**
 * Runs initdb (seconds) and keeps the result as the template tarball; the database it made is the
 * shadow of this run (a third PGlite loading the tarball again would double the first run's memory).
 * Parallel processes on a cold cache take turns under a lock; the file appears by one rename, so no
 * reader sees it half-written. Undefined: another process prepared it meanwhile.
 */
async function prepareTemplate(
  pglite: Pglite,
  file: string,
  onProgress?: (text: string) => void,
): Promise<PgliteDb | undefined> {
  mkdirSync(join(file, '..'), { recursive: true });
  const release = await acquireFileLock(`${file}.lock`, 'prepare the embedded shadow template', 120_000);
  try {
    if (existsSync(file)) return undefined;
    onProgress?.('preparing the embedded shadow template (once per PGlite version)');
    const { PGlite, extensions } = pglite;
    // every cold start loads the whole tarball into memory (and then each file once more), so it
    // is kept small: 1 MB WAL segments (initdb's WAL is 7 MB, not one zero-filled 16 MB segment)
    const db = await PGlite.create({
      extensions,
      initDbStartParams: ['--wal-segsize=1'],
      startParams: startParams(PGlite),
    });
    try {
      // a shadow uses the database "postgres" only; the two templates are another 15 MB
      for (const template of ['template0', 'template1']) {
        await db.exec(`alter database ${template} is_template false`);
        await db.exec(`drop database ${template}`);
      }
      const blob = await db.dumpDataDir('none');
      const tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
      renameSync(tmp, file);
      removeOlderTemplates(file);
      return db;
    } catch (error) {
      await db.close().catch(() => {});
      throw error;
    }
  } finally {
    release();
  }
}

/** Templates of this PGlite build in an older format (the first was 40 MB) are never loaded again. */
function removeOlderTemplates(file: string): void {
  const dir = dirname(file);
  const prefix = `pglite-${embeddedEngineVersion().split(' ')[1]}-`;
  for (const name of readdirSync(dir))
    if (name.startsWith(prefix) && name.endsWith('-template.tar') && join(dir, name) !== file)
      rmSync(join(dir, name), { force: true });
}

/** A PGlite loaded from the template tarball (a damaged one is removed, to be prepared afresh). */
async function loadTemplate({ PGlite, extensions }: Pglite, file: string): Promise<PgliteDb> {
  try {
    return await PGlite.create({ loadDataDir: await openAsBlob(file), extensions, startParams: startParams(PGlite) });
  } catch (error) {
    // a damaged tarball (a disk filled while writing): prepared again next time
    rmSync(file, { force: true });
    throw error;
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
    const pglite = await loadPglite();
    const baseline = holdBaselineWasm();
    let db: PgliteDb | undefined;
    let server: InstanceType<Pglite['PGLiteSocketServer']> | undefined;
    const stop = async () => {
      await server?.stop().catch(() => {});
      await db?.close().catch(() => {});
      baseline();
    };
    try {
      if (!existsSync(file)) db = await prepareTemplate(pglite, file, onProgress);
      if (!db) {
        onProgress?.('starting the embedded shadow');
        db = await loadTemplate(pglite, file);
      }
      // dbmate opens more than one connection; the socket server queues their queries
      server = new pglite.PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
      await server.start();
    } catch (error) {
      await stop();
      throw error;
    }
    let stopped = false;
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stop();
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
