import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { unavailable } from '../errors.js';
import { redactSecrets } from '../redact.js';
import { startSupervised } from './child.js';
import { endSessions, type SessionsEnded } from './sessions.js';

const require = createRequire(import.meta.url);

/** A binary shipped in a per-platform npm package (`@scope/<platform>-<arch>/bin/<name>`). */
export function platformBinary(scope: string, name: string): string {
  const pkg = `${scope}/${process.platform}-${process.arch}`;
  try {
    return require.resolve(`${pkg}/bin/${name}`);
  } catch {
    throw unavailable(`${name} binary for ${process.platform}-${process.arch} is not installed (${pkg}).`, {
      code: 'binary-missing',
      facts: { name, package: pkg },
      remedy: 'Install the optional dependencies (npm install without --omit=optional).',
    });
  }
}

/**
 * The platform binary from @dbmate/<platform>, called directly: the npm wrapper exits 0 when the
 * binary is killed, which would hide an interrupted migration.
 */
export const dbmateBinary = () => platformBinary('@dbmate', 'dbmate');

/** What went wrong, in one line: dbmate's last error line (it prints context lines before it). */
export function dbmateError(result: Pick<DbmateResult, 'stdout' | 'stderr'>): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.filter((l) => /error/i.test(l)).at(-1) ?? lines.at(-1) ?? 'dbmate failed without a message';
}

/**
 * Prefix of the application_name of dbmate's connections. Each runner adds its pid and a random
 * tag, so its own sessions can be ended on interruption and the next runner can recognise the
 * sessions of one that was killed.
 */
export const DBMATE_APPLICATION = 'medicalcor-dbmate';
export const dbmateApplicationName = () => `${DBMATE_APPLICATION}:${process.pid}:${randomBytes(3).toString('hex')}`;

export interface DbmateResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  interrupted: boolean;
  /** on interruption: what became of dbmate's server sessions (undefined when not controlled) */
  sessions?: SessionsEnded;
}

export interface DbmateOptions {
  url: string;
  migrationsDir: string;
  signal?: AbortSignal;
  secrets?: readonly string[];
  /**
   * each line dbmate prints on stdout ("Applying: …"), as it comes. Without it, dbmate's stdout
   * goes to a file read once at its exit, so its lines do not wake the CLI one by one.
   */
  onLine?: (line: string) => void;
  /** end dbmate's server sessions on interruption (not for the embedded database: it has one backend) */
  controlSessions?: boolean;
  /** how long a cancelled statement may take before its session is terminated */
  cancelGraceMs?: number;
  /**
   * false: no watcher process (saves an sh start). Only for a throw-away database such as a
   * shadow, where a commit after the runner died harms nothing; the default watches.
   */
  watch?: boolean;
}

export interface PreparedDbmate {
  /** runs dbmate now; resolves when it and (on interruption) its server sessions are gone */
  run(): Promise<DbmateResult>;
  /** nothing to run after all: ends the waiting watcher */
  discard(): void;
}

/**
 * Starts the watcher for one dbmate command without running it yet (its start-up then overlaps
 * the runner's own database work). dbmate runs in its own process group; on abort the
 * group is killed first, so dbmate can send nothing more (no COMMIT, no next migration), then its
 * server sessions are cancelled, terminated after a grace period, and waited for.
 */
export function prepareDbmate(command: 'migrate' | 'rollback', options: DbmateOptions): PreparedDbmate {
  const url = new URL(options.url);
  const applicationName = dbmateApplicationName();
  url.searchParams.set('application_name', applicationName);
  const clean = (s: string) => redactSecrets(s, [...(options.secrets ?? []), url.password].filter(Boolean));
  const child = startSupervised(
    dbmateBinary(),
    ['--migrations-dir', options.migrationsDir, '--no-dump-schema', command],
    {
      env: { DATABASE_URL: url.toString() },
      applicationName,
      watch: options.watch,
      stdoutToFile: !options.onLine,
    },
  );
  const stdout: string[] = [];
  const stderr: string[] = [];
  let partial = '';
  const onLine = options.onLine;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout.push(chunk.toString());
    if (!onLine) return;
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(clean(line.trim()));
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return {
    discard: () => child.discard(),
    async run() {
      let interrupted = false;
      const stop = () => {
        interrupted = true;
        child.killTree('SIGKILL');
      };
      if (options.signal?.aborted) stop();
      else {
        options.signal?.addEventListener('abort', stop, { once: true });
        child.run();
      }
      const code = await child.exited;
      options.signal?.removeEventListener('abort', stop);
      child.closeInput();
      let sessions: SessionsEnded | undefined;
      if (interrupted && options.controlSessions !== false) {
        sessions = await endSessions(options.url, applicationName, { graceMs: options.cancelGraceMs }).catch(
          () => undefined,
        );
      }
      return {
        ok: code === 0 && !interrupted,
        stdout: clean(child.stdout ? stdout.join('') : child.capturedStdout()).trim(),
        stderr: clean(stderr.join('')).trim(),
        interrupted,
        sessions,
      };
    },
  };
}

/** Runs one dbmate command (see prepareDbmate). The URL goes in the environment, never argv. */
export function runDbmate(command: 'migrate' | 'rollback', options: DbmateOptions): Promise<DbmateResult> {
  return prepareDbmate(command, options).run();
}

export type { SessionsEnded } from './sessions.js';
