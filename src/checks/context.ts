import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { DEFAULT_REDIS_URL, type ResolvedConfig } from '../core/config/index.js';
import { openDatabase, type Database } from '../core/db/index.js';
import { migrationStatus, type StatusReport } from '../core/migrations/index.js';
import type { Io } from '../cli-kit/index.js';
import { openRedis, type Redis } from '../core/redis/index.js';
import { firstLine } from './support.js';
import { DependencyUnavailable, type CheckContext } from './types.js';

/** The Redis URL was set for this environment rather than defaulted (resolveConfig falls back to localhost). */
export function redisConfigured(config: ResolvedConfig): boolean {
  return Boolean(config.fileEnvironment?.redisUrl) || config.redisUrl !== DEFAULT_REDIS_URL;
}

/** An Io that drops everything: checks report through their results, not on the terminal. */
function silentIo(config: ResolvedConfig): Io {
  return {
    stdout: new Writable({ write: (_c, _e, done) => done() }),
    stderr: new Writable({ write: (_c, _e, done) => done() }),
    stdin: Readable.from([]),
    color: false,
    interactive: false,
    secrets: [...config.secrets],
  };
}

export interface OpenedCheckContext extends CheckContext {
  close(): Promise<void>;
}

export function openCheckContext(deps: { config: ResolvedConfig; cacheDir: string; signal?: AbortSignal; io?: Io; now?: Date }): OpenedCheckContext {
  const { config } = deps;
  let database: Promise<Database> | undefined;
  let redis: Promise<Redis> | undefined;
  let status: Promise<StatusReport> | undefined;
  const ctx: OpenedCheckContext = {
    config,
    signal: deps.signal,
    now: deps.now ?? new Date(),
    cacheDir: deps.cacheDir,
    database() {
      database ??= openDatabase(config, deps.io ?? silentIo(config), { command: 'medicalcor check', applicationName: `medicalcor check (pid ${process.pid})` }).catch((error) => {
        throw new DependencyUnavailable('database', firstLine(error));
      });
      return database;
    },
    redis() {
      redis ??= openRedis(config.redisUrl, { connectTimeoutMs: 3_000 }).catch((error) => {
        throw new DependencyUnavailable('redis', firstLine(error));
      });
      return redis;
    },
    migrationStatus() {
      status ??= ctx.database().then((db) => migrationStatus({ db, migrationsDir: config.migrationsDir, cwd: config.projectDir }));
      return status;
    },
    async close() {
      await Promise.all([
        database?.then((db) => db.close(), () => {}),
        redis?.then((r) => void r.disconnect(), () => {}),
      ]);
    },
  };
  return ctx;
}
