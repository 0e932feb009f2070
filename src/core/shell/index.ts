import { execa } from 'execa';

export interface ShellOptions {
  cwd?: string;
  /** the child's whole environment (nothing is inherited implicitly) */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** stdout/stderr beyond this many characters are cut (a runaway command cannot fill memory) */
  maxOutput?: number;
}

export interface ShellResult {
  argv: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  interrupted: boolean;
  /** the command could not be started at all (not found, not executable) */
  spawnError?: string;
  durationMs: number;
}

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
  const started = performance.now();
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
  const limit = options.maxOutput ?? 100_000;
  const spawnError = result.failed && result.exitCode == null && !result.timedOut && !result.isCanceled
    ? String(result.originalMessage || result.shortMessage || 'cannot start').split('\n')[0]
    : undefined;
  return {
    argv: [...argv],
    exitCode: result.exitCode ?? null,
    stdout: cut(String(result.stdout ?? ''), limit),
    stderr: cut(String(result.stderr ?? ''), limit),
    timedOut: Boolean(result.timedOut),
    interrupted: Boolean(result.isCanceled) || Boolean(options.signal?.aborted),
    spawnError,
    durationMs: Math.round(performance.now() - started),
  };
}
