import type { ResolvedConfig } from '../core/config/index.js';
import { openDatabase, type Database } from '../core/db/index.js';
import { migrationStatus, type StatusReport } from '../core/migrations/index.js';
import type { KubernetesClient } from '../core/kubernetes/index.js';
import { openRedis, type Redis } from '../core/redis/index.js';
import { firstLine } from './support.js';
import { DependencyUnavailable, type CheckContext } from './types.js';

/** MEDICALCOR_REDIS_URL or the environment's redisUrl names a Redis; otherwise none is read. */
export function redisConfigured(config: Pick<ResolvedConfig, 'redisConfigured'>): boolean {
  return config.redisConfigured;
}

/** Thrown by ctx.redis() when no Redis is configured: checks that read Redis are skipped, not failed. */
export const REDIS_NOT_CONFIGURED = 'no Redis is configured (MEDICALCOR_REDIS_URL or redisUrl)';

export interface OpenedCheckContext extends CheckContext {
  close(): Promise<void>;
}

/** What the checks are run with: runChecks takes it, and opens the systems from it (openCheckContext). */
export interface CheckContextDeps {
  config: ResolvedConfig;
  /** where schema-drift keeps its prepared shadow database: defaultCacheDir(env) */
  cacheDir: string;
  signal?: AbortSignal;
  /** the note saying which database is used and why (the command's noteOnce); checks are silent without it */
  notify?: (line: string) => void;
  /** a slow phase starts (starting the embedded database) or ends (undefined): the command's progress */
  onProgress?: (phase: string | undefined) => void;
  now?: Date;
  /** the command's cluster client (ctx.systems.kubernetes), so a check and a runbook step see one context */
  kubernetes?: () => Promise<KubernetesClient>;
  /** the caller's environment (KUBECONFIG), when no kubernetes client is given; process.env when not given */
  env?: NodeJS.ProcessEnv;
}

export function openCheckContext(deps: CheckContextDeps): OpenedCheckContext {
  const { config } = deps;
  let database: Promise<Database> | undefined;
  let redis: Promise<Redis> | undefined;
  let status: Promise<StatusReport> | undefined;
  let kubernetes: Promise<KubernetesClient> | undefined;
  const ctx: OpenedCheckContext = {
    config,
    signal: deps.signal,
    now: deps.now ?? new Date(),
    cacheDir: deps.cacheDir,
    database() {
      database ??= openDatabase(config, deps.notify, {
        command: 'medicalcor check',
        applicationName: `medicalcor check (pid ${process.pid})`,
        onProgress: deps.onProgress,
      }).catch((error) => {
        throw new DependencyUnavailable('database', firstLine(error));
      });
      return database;
    },
    redis() {
      if (!config.redisConfigured) return Promise.reject(new DependencyUnavailable('redis', REDIS_NOT_CONFIGURED));
      redis ??= openRedis(config.redisUrl, { connectTimeoutMs: 3_000 }).catch((error) => {
        throw new DependencyUnavailable('redis', firstLine(error));
      });
      return redis;
    },
    kubernetes() {
      kubernetes ??= deps.kubernetes
        ? deps.kubernetes()
        : import('../core/kubernetes/index.js').then(({ createKubernetesClient }) => {
            const k8s = config.kubernetes;
            const kubeconfigPath = (deps.env ?? process.env).KUBECONFIG?.split(':').find(Boolean);
            return createKubernetesClient({
              context: k8s?.context,
              namespace: k8s?.namespace ?? 'default',
              kubeconfigPath,
            });
          });
      return kubernetes;
    },
    migrationStatus() {
      status ??= ctx
        .database()
        .then((db) => migrationStatus({ db, migrationsDir: config.migrationsDir, cwd: config.projectDir }));
      return status;
    },
    async close() {
      await Promise.all([
        database?.then(
          (db) => db.close(),
          () => {},
        ),
        redis?.then(
          (r) => void r.disconnect(),
          () => {},
        ),
      ]);
    },
  };
  return ctx;
}
