import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = `${repoRoot}bin/medicalcor`;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** An empty user config directory, so a developer's ~/.config/medicalcor never leaks into a test. */
const emptyConfigHome = mkdtempSync(join(tmpdir(), 'mc-xdg-config-'));

/** Variables of the machine that would point a CLI run at a database or a key of its own. */
const INHERITED_SETTINGS = new Set(['TRIGGER_SECRET_KEY', 'DATABASE_URL', 'PGHOST', 'PGDATABASE', 'PGSERVICE']);

/**
 * Environment a test CLI run starts from: no colour, no user config, no inherited MEDICALCOR_* or database settings.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('MEDICALCOR_') && !INHERITED_SETTINGS.has(k)) env[k] = v;
  env.NO_COLOR = '1';
  env.XDG_CONFIG_HOME = emptyConfigHome;
  // a project made under the temporary directory never adopts a stray $TMPDIR/.medicalcor or config file
  env.MEDICALCOR_CEILING_DIRECTORIES = tmpdir();
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts the built CLI as a real child process (the test suite builds first: `npm test` runs `pretest`). */
export function spawnCli(args: string[], options: CliOptions = {}): ResultPromise {
  return execa('node', [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: cleanEnv(options.env),
    extendEnv: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
    reject: false,
    timeout: options.timeoutMs ?? 300_000,
  });
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const result = await spawnCli(args, options);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}
