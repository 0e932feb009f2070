import { dirname, isAbsolute, join, resolve } from 'node:path';
import { invalidInput } from '../errors.js';
import { ignoredDatabaseVariables, type DatabaseSource } from './database-choice.js';
import { findConfigFile, loadConfigParser, readConfigFile } from './load.js';
import { packageDir } from './package-dir.js';
import { findProjectRoot, type ProjectRoot } from './project-root.js';
import type { ConfigFile, EnvironmentFile, SecretRef } from './schema.js';

export { packageDir } from './package-dir.js';

/**
 * The URL redisUrl holds when nothing names a Redis. It is never connected to by itself
 * (redisConfigured is false): nothing configured means no Redis is read.
 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Reads go to the primary when the replica is further behind than this (ms). */
export const DEFAULT_MAX_REPLICA_LAG_MS = 5_000;

/** Options given on the command line; they win over everything else. */
export interface ConfigFlags {
  env?: string;
  config?: string;
  databaseUrl?: string;
  migrationsDir?: string;
}

export interface ResolvedConfig {
  /** the file that was read, if any */
  configFile?: string;
  /** where relative paths of the config file resolve: the file's directory, else the project root */
  projectDir: string;
  /**
   * the nearest directory upward holding medicalcor.config.yaml, .medicalcor/ or .git (else the
   * working directory): the embedded database and new files (migrate new, runbook new) live here
   */
  projectRoot: ProjectRoot;
  envName: string;
  /**
   * true only when the environment was named by the caller's own flag (ConfigFlags.env), never by
   * MEDICALCOR_ENV or defaultEnv: the production guard's "yes" needs it
   */
  envExplicit: boolean;
  /** where envName came from */
  envSource: 'flag' | 'MEDICALCOR_ENV' | 'defaultEnv' | 'default';
  production: boolean;
  /** undefined: the embedded database is used */
  databaseUrl?: string;
  /** where databaseUrl came from; 'embedded' when nothing names a database */
  databaseSource: DatabaseSource;
  /** database-like variables that are set but not read (PGHOST ...), for the note on the embedded database */
  ignoredDatabaseVariables: string[];
  /** DEFAULT_REDIS_URL when none is configured (then redisConfigured is false and nothing connects) */
  /** the read replica for read-only work; undefined: reads go to the primary */
  readDatabaseUrl?: string;
  /** past this replay lag (ms), reads go to the primary */
  maxReplicaLagMs: number;
  redisUrl: string;
  /** MEDICALCOR_REDIS_URL or the environment's redisUrl names a Redis */
  redisConfigured: boolean;
  /** prefix of every Redis key the platform and the CLI share (breakers, budget counters) */
  redisKeyPrefix: string;
  prometheusUrl?: string;
  apiBaseUrl?: string;
  trigger?: { url: string; secretKey?: string };
  kubernetes?: {
    context?: string;
    namespace: string;
    apiService: string;
    apiPort: number;
    podAccess: 'proxy' | 'direct';
    /** the resolved admin token (a secret: never printed) */
    adminToken?: string;
    adminTokenHeader: string;
  };
  corsOrigins?: string[];
  /**
   * the DLQ replay endpoint's credential: the variable the file names and, when it is set, its
   * value (a secret: never printed). An unset variable fails only the replay that needs it.
   */
  dlqReplayCredential?: { variable: string; where: string; header: string; value?: string };
  migrationsDir: string;
  /** 'shipped': the MedicalCor schema inside the package, which is never a write target */
  migrationsDirSource: 'flag' | 'MEDICALCOR_MIGRATIONS_DIR' | 'config' | 'shipped';
  runbooksDir?: string;
  slaCatalog?: string;
  embeddedDataDir: string;
  /** every secret value resolved, so output can remove them */
  secrets: string[];
  /** the environment as written in the file (for configuration hygiene checks) */
  fileEnvironment?: EnvironmentFile;
}

function secretFrom(ref: SecretRef, env: NodeJS.ProcessEnv, where: string): string {
  const value = env[ref.env];
  if (!value) {
    throw invalidInput(`${where} names environment variable ${ref.env}, which is not set.`, {
      code: 'config.secret-unset',
      facts: { variable: ref.env, where },
      remedy: `Export ${ref.env} (for example from your secret manager) and run the command again.`,
    });
  }
  return value;
}

/** The decoded password of a URL; '' when it has none or cannot be parsed. */
function urlPassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}

function urlFrom(value: string | SecretRef | undefined, env: NodeJS.ProcessEnv, where: string, secrets: string[]) {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (urlPassword(value)) {
      throw invalidInput(`${where} contains a password in plain text.`, {
        code: 'config.plaintext-password',
        facts: { where },
        remedy: 'Move the URL to an environment variable and write { env: VARIABLE_NAME } instead.',
      });
    }
    return value;
  }
  const url = secretFrom(value, env, where);
  if (urlPassword(url)) secrets.push(urlPassword(url));
  return url;
}

/**
 * The read replica: MEDICALCOR_READ_DATABASE_URL, else the environment's readDatabaseUrl, the
 * latter only when the primary also comes from the file (a replica of another database is wrong).
 */
function readReplica(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  file: EnvironmentFile | undefined,
  where: (key: string) => string,
  secrets: string[],
): { readDatabaseUrl?: string; maxReplicaLagMs: number } {
  const primaryFromFile = !flags.databaseUrl && !env.MEDICALCOR_DATABASE_URL && !env.DATABASE_URL;
  const readDatabaseUrl =
    env.MEDICALCOR_READ_DATABASE_URL ??
    (primaryFromFile ? urlFrom(file?.readDatabaseUrl, env, where('readDatabaseUrl'), secrets) : undefined);
  if (env.MEDICALCOR_READ_DATABASE_URL && urlPassword(env.MEDICALCOR_READ_DATABASE_URL))
    secrets.push(urlPassword(env.MEDICALCOR_READ_DATABASE_URL));
  const lagText = env.MEDICALCOR_MAX_REPLICA_LAG_MS;
  if (lagText !== undefined && !/^\d+$/.test(lagText)) {
    throw invalidInput(`MEDICALCOR_MAX_REPLICA_LAG_MS is "${lagText}", not a whole number of milliseconds.`, {
      code: 'config.bad-replica-lag',
      remedy: 'For example MEDICALCOR_MAX_REPLICA_LAG_MS=5000.',
    });
  }
  const maxReplicaLagMs =
    lagText !== undefined ? Number(lagText) : (file?.maxReplicaLagMs ?? DEFAULT_MAX_REPLICA_LAG_MS);
  return { readDatabaseUrl, maxReplicaLagMs };
}

/** resolveConfig for callers outside the CLI (services, tests): loads the file parser first. */
export async function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ResolvedConfig> {
  await loadConfigParser();
  return resolveConfig(flags, env, cwd);
}

/**
 * flags > environment variables > config file > defaults. Synchronous: loadConfigParser() must
 * have run if a file exists.
 */
function adminToken(
  ref: SecretRef | undefined,
  env: NodeJS.ProcessEnv,
  where: string,
  secrets: string[],
): string | undefined {
  if (!ref) return undefined;
  const value = secretFrom(ref, env, where);
  secrets.push(value);
  return value;
}

function dlqReplayCredential(
  file: EnvironmentFile | undefined,
  env: NodeJS.ProcessEnv,
  where: string,
  secrets: string[],
): ResolvedConfig['dlqReplayCredential'] {
  const ref = file?.dlqReplayToken;
  if (!ref) return undefined;
  const value = env[ref.env] || undefined;
  if (value) secrets.push(value);
  return { variable: ref.env, where, header: (file.dlqReplayTokenHeader ?? 'authorization').toLowerCase(), value };
}

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): ResolvedConfig {
  const configFile = flags.config ? resolve(cwd, flags.config) : findConfigFile(cwd, env);
  const file: ConfigFile = configFile ? readConfigFile(configFile) : { environments: {} };
  const projectRoot = findProjectRoot(cwd);
  const projectDir = configFile ? dirname(configFile) : projectRoot.dir;
  const fromProject = (p: string) => (isAbsolute(p) ? p : join(projectDir, p));

  const explicitName = flags.env ?? env.MEDICALCOR_ENV;
  const envName = explicitName ?? file.defaultEnv ?? 'local';
  const envSource =
    flags.env !== undefined
      ? 'flag'
      : env.MEDICALCOR_ENV !== undefined
        ? 'MEDICALCOR_ENV'
        : file.defaultEnv
          ? 'defaultEnv'
          : 'default';
  const fileEnvironment = file.environments[envName];
  if (!fileEnvironment && (explicitName || file.defaultEnv)) {
    const known = Object.keys(file.environments);
    throw invalidInput(
      `Environment "${envName}" is not defined` +
        `${configFile ? ` in ${configFile}` : ' (no medicalcor.config.yaml found)'}.`,
      {
        code: 'config.unknown-environment',
        facts: { envName, known, configFile },
        remedy: known.length
          ? `Known environments: ${known.join(', ')}.`
          : 'Create medicalcor.config.yaml with an "environments" map.',
      },
    );
  }
  const where = (key: string) => `${configFile ?? 'config'}: environments.${envName}.${key}`;
  const secrets: string[] = [];

  const { databaseUrl, databaseSource } = chooseDatabase(flags, env, () =>
    urlFrom(fileEnvironment?.databaseUrl, env, where('databaseUrl'), secrets),
  );
  // URLs given outside the file carry their passwords too: every one is removed from output
  for (const url of [flags.databaseUrl, env.MEDICALCOR_DATABASE_URL, env.DATABASE_URL, env.MEDICALCOR_REDIS_URL]) {
    if (url && urlPassword(url)) secrets.push(urlPassword(url));
  }
  const configuredRedis =
    nonEmpty(env, 'MEDICALCOR_REDIS_URL') ?? urlFrom(fileEnvironment?.redisUrl, env, where('redisUrl'), secrets);
  const redisUrl = configuredRedis ?? DEFAULT_REDIS_URL;
  const { readDatabaseUrl, maxReplicaLagMs } = readReplica(flags, env, fileEnvironment, where, secrets);
  const triggerKey =
    env.TRIGGER_SECRET_KEY ??
    (fileEnvironment?.trigger?.secretKey
      ? secretFrom(fileEnvironment.trigger.secretKey, env, where('trigger.secretKey'))
      : undefined);
  if (triggerKey) secrets.push(triggerKey);
  const triggerUrl = env.MEDICALCOR_TRIGGER_URL ?? fileEnvironment?.trigger?.url;

  return {
    configFile,
    projectDir,
    projectRoot,
    envName,
    envExplicit: envSource === 'flag',
    envSource,
    production: fileEnvironment?.production ?? false,
    databaseUrl,
    databaseSource,
    ignoredDatabaseVariables: databaseSource === 'embedded' ? ignoredDatabaseVariables(env) : [],
    readDatabaseUrl,
    maxReplicaLagMs,
    redisUrl,
    redisConfigured: configuredRedis !== undefined,
    redisKeyPrefix: env.MEDICALCOR_REDIS_PREFIX ?? 'medicalcor:',
    prometheusUrl: env.MEDICALCOR_PROMETHEUS_URL ?? fileEnvironment?.prometheusUrl,
    apiBaseUrl: env.MEDICALCOR_API_URL ?? fileEnvironment?.apiBaseUrl,
    trigger:
      triggerUrl || triggerKey ? { url: triggerUrl ?? 'https://api.trigger.dev', secretKey: triggerKey } : undefined,
    kubernetes: fileEnvironment?.kubernetes
      ? {
          ...fileEnvironment.kubernetes,
          adminToken: adminToken(fileEnvironment.kubernetes.adminToken, env, where('kubernetes.adminToken'), secrets),
        }
      : undefined,
    corsOrigins: fileEnvironment?.corsOrigins,
    dlqReplayCredential: dlqReplayCredential(fileEnvironment, env, where('dlqReplayToken'), secrets),
    ...chooseMigrationsDir(flags, env, cwd, file.migrationsDir ? fromProject(file.migrationsDir) : undefined),
    runbooksDir: file.runbooksDir ? fromProject(file.runbooksDir) : undefined,
    slaCatalog: file.slaCatalog ? fromProject(file.slaCatalog) : undefined,
    embeddedDataDir: join(projectRoot.dir, '.medicalcor', 'pgdata'),
    secrets,
    fileEnvironment,
  };
}

/** A variable that is set to something: an empty value is refused, never taken as "not set" silently. */
function nonEmpty(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  if (value.trim() === '') {
    throw invalidInput(`${name} is set but empty.`, {
      code: 'config.empty-variable',
      facts: { variable: name },
      remedy: `Unset ${name} or give it a URL.`,
    });
  }
  return value;
}

/** Ours first, then dbmate's DATABASE_URL (so a dbmate setup works unchanged), then the config file. */
function chooseDatabase(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  fromFile: () => string | undefined,
): { databaseUrl?: string; databaseSource: DatabaseSource } {
  if (flags.databaseUrl) return { databaseUrl: flags.databaseUrl, databaseSource: 'flag' };
  for (const name of ['MEDICALCOR_DATABASE_URL', 'DATABASE_URL'] as const) {
    const value = nonEmpty(env, name);
    if (value) return { databaseUrl: value, databaseSource: name };
  }
  const file = fromFile();
  return file ? { databaseUrl: file, databaseSource: 'config' } : { databaseSource: 'embedded' };
}

function chooseMigrationsDir(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
  fromFile: string | undefined,
): Pick<ResolvedConfig, 'migrationsDir' | 'migrationsDirSource'> {
  if (flags.migrationsDir) return { migrationsDir: resolve(cwd, flags.migrationsDir), migrationsDirSource: 'flag' };
  if (env.MEDICALCOR_MIGRATIONS_DIR)
    return {
      migrationsDir: resolve(cwd, env.MEDICALCOR_MIGRATIONS_DIR),
      migrationsDirSource: 'MEDICALCOR_MIGRATIONS_DIR',
    };
  if (fromFile) return { migrationsDir: fromFile, migrationsDirSource: 'config' };
  return { migrationsDir: join(packageDir(), 'src', 'migrations'), migrationsDirSource: 'shipped' };
}
