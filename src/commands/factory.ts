import type { BreakerStore } from '../core/breakers/index.js';
import type { ResolvedConfig } from '../core/config/index.js';
import type { Database, ReadRoute } from '../core/db/index.js';
import { invalidInput, unavailable } from '../core/errors.js';
import type { KubernetesClient } from '../core/kubernetes/index.js';
import type { PrometheusClient } from '../core/prometheus/index.js';
import type { Redis } from '../core/redis/index.js';
import type { TriggerClient } from '../core/trigger/client.js';
import { noteOnce, progressCallback, type Io } from '../cli-kit/index.js';

/**
 * Every external system a command may touch, each opened on first use and closed once by
 * close() (the CLI shell calls it after every command). The one place a client is built, so a
 * command, a check and a runbook step see the same database, Redis and Kubernetes context.
 */
export interface Systems {
  /** the primary: every write (audits, PII access log, migrations) goes here */
  database(): Promise<Database>;
  /**
   * for read-only work: the environment's read replica while its lag is within maxReplicaLagMs,
   * else the primary (route says which, and why). Read-only at the session level. The first
   * caller's options size the pool (one connection per parallel reader) and its statement timeout.
   */
  readDatabase(options?: ReadDatabaseRequest): Promise<Database & { route: ReadRoute }>;
  redis(): Promise<Redis>;
  breakers(): Promise<BreakerStore>;
  kubernetes(): Promise<KubernetesClient>;
  /** undefined with the reason when the environment names no Trigger.dev */
  trigger(): Promise<TriggerClient | { skipped: string }>;
  prometheus(urlOverride?: string): Promise<PrometheusClient>;
  /** the database opened so far, if any (a child medicalcor reuses its URL) */
  openedDatabase(): Database | undefined;
  close(): Promise<void>;
}

export interface ReadDatabaseRequest {
  connections?: number;
  statementTimeoutMs?: number;
}

export interface SystemsDeps {
  config: () => ResolvedConfig;
  io: Io;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** who this process is, for application_name: "medicalcor migrate up" */
  label: () => string;
}

export function openSystems(deps: SystemsDeps): Systems {
  let database: Promise<Database> | undefined;
  let readDatabase: Promise<Database & { route: ReadRoute }> | undefined;
  let opened: Database | undefined;
  let redis: Promise<Redis> | undefined;
  let kubernetes: Promise<KubernetesClient> | undefined;
  const systems: Systems = {
    database() {
      database ??= import('../core/db/index.js').then(({ openDatabase }) => {
        // starting the embedded database takes seconds: it shows as a spinner on a terminal
        const progress = progressCallback({
          stderr: deps.io.stderr,
          progress: deps.io.progress ?? 'off',
          color: deps.io.color,
        });
        return openDatabase(deps.config(), (line) => noteOnce(deps.io, line), {
          command: deps.label(),
          applicationName: `${deps.label()} (pid ${process.pid})`,
          cwd: deps.cwd,
          onProgress: progress.onProgress,
        })
          .then((db) => (opened = db))
          .finally(progress.stop);
      });
      return database;
    },
    readDatabase(request = {}) {
      readDatabase ??= (async () => {
        const config = deps.config();
        // the embedded database has no replica and one server: reads share the primary's pool
        if (!config.databaseUrl) {
          const primary = await systems.database();
          return {
            ...primary,
            close: async () => {},
            route: { target: 'primary' as const, reason: 'embedded database' },
          };
        }
        const { openReadDatabase, withLoopbackSslDisabled } = await import('../core/db/index.js');
        const read = await openReadDatabase({
          primaryUrl: config.databaseUrl,
          replicaUrl: config.readDatabaseUrl,
          maxLagMs: config.maxReplicaLagMs,
          connections: request.connections ?? 4,
          statementTimeoutMs: request.statementTimeoutMs,
          applicationName: `${deps.label()} (read, pid ${process.pid})`,
        });
        const url =
          read.route.target === 'replica' && config.readDatabaseUrl ? config.readDatabaseUrl : config.databaseUrl;
        return {
          url: withLoopbackSslDisabled(url),
          pool: read.pool,
          embedded: false,
          route: read.route,
          close: read.close,
        };
      })();
      return readDatabase;
    },
    redis() {
      // ioredis is loaded only here: database-only commands must not pay for it
      // nothing configured means no Redis is read: never the machine's own Redis at DB 0 by accident
      const config = deps.config();
      if (!config.redisConfigured) return Promise.reject(redisNotConfigured(config.envName));
      redis ??= import('../core/redis/index.js').then(({ openRedis }) => openRedis(config.redisUrl));
      return redis;
    },
    async breakers() {
      const [{ BreakerStore }, client] = await Promise.all([import('../core/breakers/index.js'), systems.redis()]);
      return new BreakerStore(client, { keyPrefix: deps.config().redisKeyPrefix });
    },
    kubernetes() {
      kubernetes ??= import('../core/kubernetes/index.js').then(({ createKubernetesClient }) => {
        const k8s = deps.config().kubernetes;
        const kubeconfigPath = deps.env.KUBECONFIG?.split(':').find(Boolean);
        return createKubernetesClient({
          context: k8s?.context,
          namespace: k8s?.namespace ?? 'default',
          kubeconfigPath,
        });
      });
      return kubernetes;
    },
    async trigger() {
      const { trigger } = deps.config();
      if (!trigger)
        return { skipped: 'not configured; set MEDICALCOR_TRIGGER_URL (or trigger.url) and TRIGGER_SECRET_KEY' };
      if (!trigger.secretKey) return { skipped: 'no secret key; set TRIGGER_SECRET_KEY (or trigger.secretKey)' };
      const { TriggerClient } = await import('../core/trigger/client.js');
      return new TriggerClient({ baseUrl: trigger.url, secretKey: trigger.secretKey });
    },
    async prometheus(urlOverride) {
      const url = urlOverride ?? deps.config().prometheusUrl;
      if (!url)
        throw invalidInput(`No Prometheus is configured for environment "${deps.config().envName}".`, {
          code: 'prometheus-not-configured',
        });
      if (!URL.canParse(url))
        throw invalidInput(`Prometheus URL "${url}" is not a URL.`, {
          code: 'prometheus-bad-url',
          remedy: 'Write it as http(s)://host:port.',
        });
      const { createPrometheusClient } = await import('../core/prometheus/index.js');
      return createPrometheusClient(url);
    },
    openedDatabase: () => opened,
    async close() {
      await Promise.all([
        database?.then((db) => db.close()).catch(() => {}),
        readDatabase?.then((db) => db.close()).catch(() => {}),
        redis?.then((r) => void r.disconnect()).catch(() => {}),
      ]);
    },
  };
  return systems;
}

export function redisNotConfigured(envName: string) {
  return unavailable(`No Redis is configured for environment "${envName}".`, {
    code: 'redis-not-configured',
    facts: { envName },
    remedy: 'Set MEDICALCOR_REDIS_URL, or redisUrl of the environment in medicalcor.config.yaml.',
  });
}
