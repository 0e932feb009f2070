import { spawn } from 'node:child_process';
import { SUPERVISOR_SCRIPT } from './supervisor.js';

export interface ShellOptions {
  cwd?: string;
  /** the child's whole environment (nothing is inherited implicitly) */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** after SIGTERM to the group, how long before SIGKILL (default 2 s) */
  graceMs?: number;
}

export interface ShellResult {
  exitCode: number | null;
  /** the signal that ended the command, if one did */
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  interrupted: boolean;
  /** the command could not be started at all (not found, not executable) */
  spawnError?: string;
}

/** stdout/stderr beyond this many characters are cut (a runaway command cannot fill memory) */
const OUTPUT_LIMIT = 100_000;

/** Process groups started by this process and not yet ended: ended with SIGKILL if the process exits first. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // process.exit() (a second Ctrl-C) runs no more async code: end every group synchronously
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

class Collector {
  private text = '';
  private dropped = 0;
  add(chunk: Buffer): void {
    const room = OUTPUT_LIMIT - this.text.length;
    if (room > 0) this.text += chunk.toString('utf8').slice(0, room);
    this.dropped += Math.max(0, chunk.length - Math.max(0, room));
  }
  value(): string {
    const text = this.text.replace(/\r?\n$/, '');
    return this.dropped ? `${text}\n… [cut ${this.dropped} characters]` : text;
  }
}

/**
 * Runs one program with an argv array: no shell is involved, so no argument (however it was
 * filled in) can start a second command (the supervisor's sh only runs "$@"). The program runs
 * in its own process group under a supervisor (see supervisor.ts): a timeout or an abort ends the whole group (SIGTERM,
 * then
 * SIGKILL after the grace period), what the program leaves behind ends when it exits, and if
 * this process dies, even by kill -9, the supervisor sees its pipe close and ends the group.
 */
export async function runCommand(argv: readonly string[], options: ShellOptions): Promise<ShellResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('runCommand needs a program to run');
  installExitHook();
  const graceMs = options.graceMs ?? 2_000;
  const keepPwd = options.env.PWD === undefined ? '0' : '1';
  const child = spawn('/bin/sh', ['-c', SUPERVISOR_SCRIPT, 'medicalcor-step', keepPwd, file, ...args], {
    detached: true,
    cwd: options.cwd,
    env: options.env,
    // 0: /dev/null, 1-2: output, 3: the control pipe (EOF = this process is gone), 4: the exit status
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
  });
  const pgid = child.pid;
  const stdout = new Collector();
  const stderr = new Collector();
  child.stdout!.on('data', (chunk: Buffer) => stdout.add(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.add(chunk));
  let statusText = '';
  const control = child.stdio[3] as NodeJS.WritableStream & { destroy(): void; on(e: 'error', f: () => void): void };
  control.on('error', () => {});
  (child.stdio[4] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (statusText += chunk.toString('utf8')));

  let timedOut = false;
  let interrupted = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (pgid === undefined || forceTimer) return;
    killGroup(pgid, 'SIGTERM');
    forceTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), graceMs);
  };
  const onAbort = () => {
    interrupted = true;
    stop();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);

  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  if (pgid !== undefined) {
    liveGroups.add(pgid);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  }
  child.on('exit', () => {
    // the supervisor has ended its group already; this catches a group whose supervisor was killed
    if (pgid !== undefined) killGroup(pgid, 'SIGKILL');
  });

  const ended = await closed;
  clearTimeout(timer);
  clearTimeout(forceTimer);
  options.signal?.removeEventListener('abort', onAbort);
  control.destroy();
  if (pgid !== undefined) liveGroups.delete(pgid);
  if (ended.error) {
    return { exitCode: null, stdout: '', stderr: '', timedOut: false, interrupted, spawnError: ended.error.message };
  }
  // the supervisor reports the command's status as sh does: 128 + n for a signal, 126/127 for a program that cannot
  // start
  const reported = /^\d+$/.test(statusText.trim()) ? Number(statusText.trim()) : undefined;
  const errors = stderr.value();
  const notStarted =
    (reported === 127 && /not found/.test(errors)) || (reported === 126 && /denied|cannot execute/i.test(errors));
  const signalled = reported !== undefined && reported > 128 && (interrupted || timedOut);
  return {
    exitCode: reported === undefined || signalled || notStarted ? null : reported,
    signal: signalled ? `signal ${reported! - 128}` : undefined,
    stdout: stdout.value(),
    stderr: notStarted ? '' : errors,
    timedOut,
    interrupted: interrupted || Boolean(options.signal?.aborted),
    spawnError: notStarted ? (reported === 127 ? 'ENOENT' : 'EACCES') : undefined,
  };
}
