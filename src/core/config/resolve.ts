import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../cli-kit/errors.js';
import { ExitCode } from '../../cli-kit/exit-codes.js';
import { findConfigFile, loadConfigParser, readConfigFile } from './load.js';
import type { ConfigFile, EnvironmentFile, SecretRef } from './schema.js';

/** The Redis used when an environment names none: a local one, as in development. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

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
  /** where relative paths and .medicalcor/ live: the config file's directory, else the working directory */
  projectDir: string;
  envName: string;
  /** true when --env or MEDICALCOR_ENV named the environment (required with --yes on production) */
  envExplicit: boolean;
  production: boolean;
  /** undefined: the embedded database is used */
  databaseUrl?: string;
  redisUrl: string;
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
  migrationsDir: string;
  runbooksDir?: string;
  slaCatalog?: string;
  embeddedDataDir: string;
  /** every secret value resolved, so output can remove them */
  secrets: string[];
  /** the environment as written in the file (for configuration hygiene checks) */
  fileEnvironment?: EnvironmentFile;
}

/** The package's own directory (dist/.. or src/core/config/../../..), for shipped migrations and runbooks. */
export function packageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!dir.endsWith('/dist') && !dir.endsWith('/src') && dirname(dir) !== dir) dir = dirname(dir);
  return dirname(dir);
}

function secretFrom(ref: SecretRef, env: NodeJS.ProcessEnv, where: string): string {
  const value = env[ref.env];
  if (!value) {
    throw new CliError(
      `${where} names environment variable ${ref.env}, which is not set.`,
      ExitCode.Usage,
      `Export ${ref.env} (for example from your secret manager) and run the command again.`,
    );
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
      throw new CliError(
        `${where} contains a password in plain text.`,
        ExitCode.Usage,
        `Move the URL to an environment variable and write { env: VARIABLE_NAME } instead.`,
      );
    }
    return value;
  }
  const url = secretFrom(value, env, where);
  if (urlPassword(url)) secrets.push(urlPassword(url));
  return url;
}

/** resolveConfig for callers outside the CLI (services, tests): loads the file parser first. */
export async function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<ResolvedConfig> {
  await loadConfigParser();
  return resolveConfig(flags, env, cwd);
}

/** flags > environment variables > config file > defaults. Synchronous: loadConfigParser() must have run if a file exists. */
function adminToken(ref: SecretRef | undefined, env: NodeJS.ProcessEnv, where: string, secrets: string[]): string | undefined {
  if (!ref) return undefined;
  const value = secretFrom(ref, env, where);
  secrets.push(value);
  return value;
}

export function resolveConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string): ResolvedConfig {
  const configFile = flags.config ? resolve(cwd, flags.config) : findConfigFile(cwd, env);
  const file: ConfigFile = configFile ? readConfigFile(configFile) : { environments: {} };
  const projectDir = configFile ? dirname(configFile) : cwd;
  const fromProject = (p: string) => (isAbsolute(p) ? p : join(projectDir, p));

  const explicitName = flags.env ?? env.MEDICALCOR_ENV;
  const envName = explicitName ?? file.defaultEnv ?? 'local';
  const fileEnvironment = file.environments[envName];
  if (!fileEnvironment && (explicitName || file.defaultEnv)) {
    const known = Object.keys(file.environments);
    throw new CliError(
      `Environment "${envName}" is not defined${configFile ? ` in ${configFile}` : ' (no medicalcor.config.yaml found)'}.`,
      ExitCode.Usage,
      known.length ? `Known environments: ${known.join(', ')}.` : `Create ${'medicalcor.config.yaml'} with an "environments" map.`,
    );
  }
  const where = (key: string) => `${configFile ?? 'config'}: environments.${envName}.${key}`;
  const secrets: string[] = [];

  const databaseUrl = flags.databaseUrl ?? env.MEDICALCOR_DATABASE_URL ?? urlFrom(fileEnvironment?.databaseUrl, env, where('databaseUrl'), secrets);
  // URLs given outside the file carry their passwords too: every one is removed from output
  for (const url of [flags.databaseUrl, env.MEDICALCOR_DATABASE_URL, env.MEDICALCOR_REDIS_URL]) {
    if (url && urlPassword(url)) secrets.push(urlPassword(url));
  }
  const redisUrl = env.MEDICALCOR_REDIS_URL ?? urlFrom(fileEnvironment?.redisUrl, env, where('redisUrl'), secrets) ?? DEFAULT_REDIS_URL;
  const triggerKey = env.TRIGGER_SECRET_KEY ?? (fileEnvironment?.trigger?.secretKey ? secretFrom(fileEnvironment.trigger.secretKey, env, where('trigger.secretKey')) : undefined);
  if (triggerKey) secrets.push(triggerKey);
  const triggerUrl = env.MEDICALCOR_TRIGGER_URL ?? fileEnvironment?.trigger?.url;

  return {
    configFile,
    projectDir,
    envName,
    envExplicit: explicitName !== undefined,
    production: fileEnvironment?.production ?? false,
    databaseUrl,
    redisUrl,
    redisKeyPrefix: env.MEDICALCOR_REDIS_PREFIX ?? 'medicalcor:',
    prometheusUrl: env.MEDICALCOR_PROMETHEUS_URL ?? fileEnvironment?.prometheusUrl,
    apiBaseUrl: env.MEDICALCOR_API_URL ?? fileEnvironment?.apiBaseUrl,
    trigger: triggerUrl || triggerKey ? { url: triggerUrl ?? 'https://api.trigger.dev', secretKey: triggerKey } : undefined,
    kubernetes: fileEnvironment?.kubernetes
      ? {
          ...fileEnvironment.kubernetes,
          adminToken: adminToken(fileEnvironment.kubernetes.adminToken, env, where('kubernetes.adminToken'), secrets),
        }
      : undefined,
    corsOrigins: fileEnvironment?.corsOrigins,
    migrationsDir: flags.migrationsDir
      ? resolve(cwd, flags.migrationsDir)
      : env.MEDICALCOR_MIGRATIONS_DIR
        ? resolve(cwd, env.MEDICALCOR_MIGRATIONS_DIR)
        : file.migrationsDir
          ? fromProject(file.migrationsDir)
          : join(packageDir(), 'src', 'migrations'),
    runbooksDir: file.runbooksDir ? fromProject(file.runbooksDir) : undefined,
    slaCatalog: file.slaCatalog ? fromProject(file.slaCatalog) : undefined,
    embeddedDataDir: join(projectDir, '.medicalcor', 'pgdata'),
    secrets,
    fileEnvironment,
  };
}
