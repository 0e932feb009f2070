import { maskUrl } from '../redact.js';
import type { ResolvedConfig } from './resolve.js';

/** Where the database URL came from, in precedence order (dbmate's DATABASE_URL below ours). */
export type DatabaseSource = 'flag' | 'MEDICALCOR_DATABASE_URL' | 'DATABASE_URL' | 'config' | 'embedded';

/** libpq's variables: medicalcor does not read them, so their presence must not go unnoticed. */
const LIBPQ_VARIABLES = ['PGHOST', 'PGDATABASE', 'PGSERVICE'] as const;

export function ignoredDatabaseVariables(env: NodeJS.ProcessEnv): string[] {
  return LIBPQ_VARIABLES.filter((name) => Boolean(env[name]));
}

/** host:port/db of a URL, without user or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return maskUrl(url);
  }
}

type Choice = Pick<
  ResolvedConfig,
  'databaseUrl' | 'databaseSource' | 'envName' | 'configFile' | 'embeddedDataDir' | 'projectRoot'
>;

/**
 * One line saying which database is used and why: "from DATABASE_URL", "embedded, because nothing is
 * configured". `shownDir` is the embedded directory as the caller prints paths (relative to the cwd).
 */
export function describeDatabaseChoice(
  config: Choice,
  options: { shownDir?: string; ignored?: readonly string[] } = {},
): string {
  if (!config.databaseUrl) {
    const where = options.shownDir ?? config.embeddedDataDir;
    const root = `project root ${config.projectRoot.dir}, found by its ${config.projectRoot.marker}`;
    const ignored = options.ignored?.length
      ? `; ${options.ignored.join(', ')} ${options.ignored.length === 1 ? 'is' : 'are'} set but not read`
      : '';
    return `database: using the embedded database in ${where} (${root}), because nothing is configured${ignored}`;
  }
  const shown = describeDatabaseUrl(config.databaseUrl ?? '');
  switch (config.databaseSource === 'embedded' ? 'flag' : config.databaseSource) {
    case 'flag':
      return `database: ${shown} (from the command line)`;
    case 'config':
      return `database: ${shown} (from environment "${config.envName}" in ${config.configFile ?? 'the config file'})`;
    default:
      return `database: ${shown} (from ${config.databaseSource})`;
  }
}

/**
 * Whether the choice deserves the note on stderr: the embedded database and dbmate's DATABASE_URL
 * (set for another tool, perhaps) are never used silently; a URL given to medicalcor itself is.
 */
export function databaseChoiceNeedsNote(config: Pick<ResolvedConfig, 'databaseSource' | 'databaseUrl'>): boolean {
  return !config.databaseUrl || config.databaseSource === 'DATABASE_URL';
}
