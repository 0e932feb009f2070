import type { ResolvedConfig } from '../config/index.js';
import { displayPath, note, type Io } from '../../cli-kit/index.js';
import { startEmbedded, type EmbeddedServer } from './embedded.js';
import { openPool, withLoopbackSslDisabled, type Pool } from './pool.js';

export interface Database {
  /** the URL for child processes (dbmate, psql); contains the password: never print it unmasked */
  url: string;
  pool: Pool;
  embedded: boolean;
  close(): Promise<void>;
}

let embeddedNoticeShown = false;

/**
 * The environment's database, or the embedded PGlite database when none is configured (said
 * once on stderr). The caller closes it; closing also stops the embedded server.
 */
export async function openDatabase(
  config: Pick<ResolvedConfig, 'databaseUrl' | 'embeddedDataDir'>,
  io: Io,
  /** cwd: the caller's working directory, to show the embedded data directory relative to it */
  options: { command?: string; applicationName?: string; cwd?: string } = {},
): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    if (!embeddedNoticeShown) {
      embeddedNoticeShown = true;
      const shown = options.cwd ? displayPath(options.cwd, config.embeddedDataDir) : config.embeddedDataDir;
      note(io, `note: no database configured; using the embedded database in ${shown}`);
    }
    embedded = await startEmbedded({ dataDir: config.embeddedDataDir, command: options.command });
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
