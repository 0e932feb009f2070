import { execa } from 'execa';

export interface ShellOptions {
  cwd?: string;
  /** the child's whole environment (nothing is inherited implicitly) */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ShellResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  interrupted: boolean;
  /** the command could not be started at all (not found, not executable) */
  spawnError?: string;
}

/** stdout/stderr beyond this many characters are cut (a runaway command cannot fill memory) */
const OUTPUT_LIMIT = 100_000;

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}\n… [cut ${text.length - limit} characters]` : text;
}

/**
 * Runs one program with an argv array: no shell is involved, so no argument (however it was
 * filled in) can start a second command. A timeout or an abort kills the child.
 */
export async function runCommand(argv: readonly string[], options: ShellOptions): Promise<ShellResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('runCommand needs a program to run');
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    shell: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    forceKillAfterDelay: 2_000,
    maxBuffer: 10_000_000,
    stripFinalNewline: true,
  });
  const spawnError = result.failed && result.exitCode == null && !result.timedOut && !result.isCanceled
    ? String(result.originalMessage || result.shortMessage || 'cannot start').split('\n')[0]
    : undefined;
  return {
    exitCode: result.exitCode ?? null,
    stdout: cut(String(result.stdout ?? ''), OUTPUT_LIMIT),
    stderr: cut(String(result.stderr ?? ''), OUTPUT_LIMIT),
    timedOut: Boolean(result.timedOut),
    interrupted: Boolean(result.isCanceled) || Boolean(options.signal?.aborted),
    spawnError,
  };
}
