import { createRequire } from 'node:module';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { redactSecrets } from '../redact.js';

const require = createRequire(import.meta.url);

/** A binary shipped in a per-platform npm package (`@scope/<platform>-<arch>/bin/<name>`). */
export function platformBinary(scope: string, name: string): string {
  const pkg = `${scope}/${process.platform}-${process.arch}`;
  try {
    return require.resolve(`${pkg}/bin/${name}`);
  } catch {
    throw new CliError(`${name} binary for ${process.platform}-${process.arch} is not installed (${pkg}).`, ExitCode.Operational, 'Run npm install (optional dependencies must not be omitted).');
  }
}

/**
 * The platform binary from @dbmate/<platform>, called directly: the npm wrapper exits 0 when the
 * binary is killed, which would hide an interrupted migration.
 */
export const dbmateBinary = () => platformBinary('@dbmate', 'dbmate');

/** What went wrong, in one line: dbmate's last error line (it prints context lines before it). */
export function dbmateError(result: Pick<DbmateResult, 'stdout' | 'stderr'>): string {
  const lines = `${result.stderr}\n${result.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => /error/i.test(l)).at(-1) ?? lines.at(-1) ?? 'dbmate failed without a message';
}

/** application_name of dbmate's connections: lets the next runner find one left by a killed process. */
export const DBMATE_APPLICATION = 'medicalcor-dbmate';

export interface DbmateResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  interrupted: boolean;
}

/**
 * Runs one dbmate command. The URL goes in the environment, never argv (argv is visible in ps);
 * output comes back with secrets removed.
 */
export async function runDbmate(
  command: 'migrate' | 'rollback',
  options: { url: string; migrationsDir: string; signal?: AbortSignal; secrets?: readonly string[]; onLine?: (line: string) => void },
): Promise<DbmateResult> {
  const url = new URL(options.url);
  url.searchParams.set('application_name', DBMATE_APPLICATION);
  const clean = (s: string) => redactSecrets(s, [...(options.secrets ?? []), url.password].filter(Boolean));
  const { execa } = await import('execa');
  const child = execa(dbmateBinary(), ['--migrations-dir', options.migrationsDir, '--no-dump-schema', command], {
    env: { DATABASE_URL: url.toString() },
    extendEnv: false,
    reject: false,
    cancelSignal: options.signal,
    // SIGTERM closes dbmate's connection, and PostgreSQL rolls back the migration in flight
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 5_000,
    stdin: 'ignore',
    lines: true,
  });
  // "Applying: …" is printed as each migration starts: pass it on live, an operator watches it
  if (options.onLine) {
    let partial = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) options.onLine!(clean(line.trim()));
    });
  }
  const result = await child;
  return {
    ok: result.exitCode === 0 && !result.isCanceled,
    stdout: clean((result.stdout as unknown as string[]).join('\n')),
    stderr: clean((result.stderr as unknown as string[]).join('\n')),
    interrupted: Boolean(result.isCanceled),
  };
}
