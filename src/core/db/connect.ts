import { isAbsolute, relative } from 'node:path';
import { databaseChoiceNeedsNote, describeDatabaseChoice, type ResolvedConfig } from '../config/index.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { openPool, withLoopbackSslDisabled, type Pool } from './pool.js';

export interface Database {
  /** the URL for child processes (dbmate, psql); contains the password: never print it unmasked */
  url: string;
  pool: Pool;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The old shape of the second argument (the CLI's Io); only its stderr is used. Kept until every caller passes notify.
 */
interface LegacyIo {
  stderr: { write(text: string): unknown };
}

export interface OpenDatabaseOptions {
  /** the command holding the embedded data directory, shown to a second process waiting for it */
  command?: string;
  applicationName?: string;
  /** the caller's working directory, to show the embedded data directory relative to it */
  cwd?: string;
  /** a phase that may take seconds is starting ("starting the embedded database"); undefined: it ended */
  onProgress?: (phase: string | undefined) => void;
}

const shownFrom = (cwd: string | undefined, path: string) => {
  if (!cwd) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
};

/**
 * The environment's database, or the embedded PGlite database when none is configured. Which one
 * and why is said once through `notify` when it could surprise (embedded, or dbmate's DATABASE_URL).
 * The caller closes it; closing also stops the embedded server.
 */
export async function openDatabase(
  config: Pick<
    ResolvedConfig,
    'databaseUrl' | 'databaseSource' | 'envName' | 'configFile' | 'embeddedDataDir' | 'projectRoot'
  > &
    Partial<Pick<ResolvedConfig, 'ignoredDatabaseVariables'>>,
  notify?: ((line: string) => void) | LegacyIo,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const say =
    typeof notify === 'function'
      ? notify
      : notify
        ? (line: string) => void notify.stderr.write(`${line}\n`)
        : undefined;
  // said on every open: the caller's notify says it once per command (the CLI's noteOnce)
  if (say && databaseChoiceNeedsNote(config)) {
    const shownDir = shownFrom(options.cwd, config.embeddedDataDir);
    say(`note: ${describeDatabaseChoice(config, { shownDir, ignored: config.ignoredDatabaseVariables })}`);
  }
  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    options.onProgress?.('starting the embedded database');
    try {
      embedded = await startEmbedded({ dataDir: config.embeddedDataDir, command: options.command });
    } finally {
      options.onProgress?.(undefined);
    }
    url = embedded.url;
  }
  const childUrl = withLoopbackSslDisabled(url);
  try {
    const pool = await openPool(url, { applicationName: options.applicationName, max: 4 });
    return {
      url: childUrl,
      pool,
      embedded: embedded !== undefined,
      async close() {
        await pool.end().catch(() => {});
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
