import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';

const require = createRequire(import.meta.url);

/**
 * What the watcher runs once the CLI is gone with dbmate still running (kill -9, OOM): dbmate has
 * been killed already; this ends its server sessions (found by their application_name) so what
 * they had in flight is rolled back and their locks go too. It uses only Node and the pg module
 * the CLI resolves, and it is the only Node start of the watcher, on that rare path alone.
 * Kept as source text run with `node -e`: it must work from the bundle and from the sources alike.
 */
const ORPHAN_CLEANUP_SOURCE = String.raw`
'use strict';
const [pgPath, appName] = process.argv.slice(1);
(async () => {
  try {
    const pg = require(pgPath);
    const url = new URL(process.env.DATABASE_URL);
    url.searchParams.delete('application_name');
    const c = new pg.Client({ connectionString: url.toString(), application_name: 'medicalcor-watcher' });
    c.on('error', () => {});
    await c.connect();
    for (let i = 0; i < 300; i++) {
      const { rows } = await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity' +
          ' where application_name = $1 and pid <> pg_backend_pid()',
        [appName],
      );
      if (rows.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await c.end();
  } catch {}
  process.exit(137);
})();
`;

/**
 * The watcher that sits between the CLI and dbmate: a few lines of POSIX sh (it starts in about a
 * millisecond, where a Node watcher cost a Node start on the way to every migration). It is
 * started in its own process group (so a terminal's Ctrl-C reaches only the CLI, which decides),
 * starts dbmate in that group when the CLI writes "run", and reads its stdin, a pipe from the CLI,
 * until EOF. EOF before "run" means nothing is to run. EOF while dbmate runs means the CLI died
 * without cleaning up (kill -9, OOM): the reader kills dbmate at once, so no COMMIT can be sent
 * after its runner is gone, then starts Node for ORPHAN_CLEANUP_SOURCE. When dbmate exits, the
 * watcher ends the reader and exits with dbmate's status (128 + n for a signal).
 *
 * argv: node, the cleanup source, pg's path, the application name, then dbmate and its arguments.
 * Builtins and absolute paths only: the environment is exactly DATABASE_URL (no PATH).
 */
const WATCHER_SCRIPT = [
  'node=$1; cleanup=$2; pg_path=$3; app=$4; shift 4',
  // handlers, not ignored signals: dbmate starts with the default dispositions
  "trap ':' INT TERM HUP",
  'IFS= read -r line || exit 0',
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'pid=$!',
  // the reader: stdin at EOF with dbmate still running means the CLI is gone
  // the cleanup is a process of its own: the watcher's TERM to the reader once dbmate has exited must
  // not reach it (Node resets inherited signal dispositions at start, so an ignored TERM would not hold)
  `( trap - TERM; while IFS= read -r line; do :; done; trap '' TERM; kill -KILL "$pid" 2>/dev/null &&
    { "$node" -e "$cleanup" -- "$pg_path" "$app" & } ) <&3 3<&- >/dev/null 2>&1 &`,
  'reader=$!',
  'exec 3<&-',
  // a trapped signal interrupts wait: wait again until dbmate itself has ended
  'while :; do wait "$pid"; code=$?; kill -0 "$pid" 2>/dev/null || break; done',
  'kill -TERM "$reader" 2>/dev/null',
  'exit "$code"',
].join('\n');

export interface SupervisedChild {
  /** pid of the watcher, which is also the id of the process group holding it and dbmate */
  pid: number;
  /** the program's stdout as it comes; null when it goes to a file (see capturedStdout) */
  stdout: Readable | null;
  stderr: Readable;
  /** with `stdout` null: what the program wrote there, read once it has exited (then the file is closed) */
  capturedStdout(): string;
  /** closes the pipe to the watcher once the program has exited */
  closeInput(): void;
  /** starts the program; before this nothing runs (the watcher is started early to hide its start-up) */
  run(): void;
  /** ends the watcher without running anything */
  discard(): void;
  /** sends a signal to the whole group: the watcher, dbmate and anything dbmate started */
  killTree(signal?: NodeJS.Signals): void;
  /** the exit code of the program (128 + n when a signal ended it) */
  exited: Promise<number>;
}

export interface SupervisedOptions {
  env: Record<string, string>;
  applicationName: string;
  watch?: boolean;
  /**
   * stdout into an unlinked temporary file, read once at exit, instead of a pipe: no wake-up of
   * the CLI for each line (dbmate writes two per migration, about 0.07 ms of CPU each time).
   * Falls back to a pipe when no temporary file can be made.
   */
  stdoutToFile?: boolean;
}

/**
 * Linux's O_TMPFILE (the generic value, with this platform's O_DIRECTORY): a file that never has a
 * name, so even a kill -9 at any instant leaves nothing behind.
 */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/**
 * A temporary file without a name: O_TMPFILE where the kernel and filesystem have it; elsewhere
 * created and unlinked at once (a kill -9 between the two calls is the one way to leave it behind).
 */
function unlinkedFile(): number | undefined {
  if (process.platform === 'linux') {
    try {
      return openSync(tmpdir(), O_TMPFILE | constants.O_RDWR, 0o600);
    } catch {
      // an older kernel or a filesystem without it: the named way below
    }
  }
  const path = join(tmpdir(), `medicalcor-out-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const fd = openSync(path, 'wx+', 0o600);
    unlinkSync(path);
    return fd;
  } catch {
    return undefined;
  }
}

/** The whole file, read from the start (the program's writes moved the shared offset), then closed. */
function readAndClose(fd: number | undefined): string {
  if (fd === undefined) return '';
  try {
    const content = Buffer.alloc(fstatSync(fd).size);
    let read = 0;
    while (read < content.length) {
      const n = readSync(fd, content, read, content.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return content.subarray(0, read).toString();
  } finally {
    closeSync(fd);
  }
}

/** stdout's capture: a file descriptor to hand the child, and the read of it after exit (idempotent). */
function stdoutCapture(toFile: boolean | undefined) {
  let fd = toFile ? unlinkedFile() : undefined;
  return {
    stdio: fd ?? ('pipe' as const),
    read(): string {
      const text = readAndClose(fd);
      fd = undefined;
      return text;
    },
  };
}

/**
 * Starts `binary args` under the watcher, in a new process group. stdout and stderr are the
 * program's own; the environment is exactly `env` (the URL travels there, never in argv).
 */
export function startSupervised(binary: string, args: readonly string[], options: SupervisedOptions): SupervisedChild {
  const capture = stdoutCapture(options.stdoutToFile);
  if (options.watch === false) return startUnwatched(binary, args, options.env, capture);
  const child = spawn(
    '/bin/sh',
    [
      '-c',
      WATCHER_SCRIPT,
      'medicalcor-dbmate-watcher',
      process.execPath,
      ORPHAN_CLEANUP_SOURCE,
      require.resolve('pg'),
      options.applicationName,
      binary,
      ...args,
    ],
    {
      env: options.env,
      detached: true,
      // the watcher itself writes nothing on stdout: only the program's output lands there
      stdio: ['pipe', capture.stdio, 'pipe'],
    },
  );
  const exited = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });
  child.stdin!.on('error', () => {});
  let started = false;
  const killTree = (signal: NodeJS.Signals = 'SIGKILL') => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  return {
    pid: child.pid ?? -1,
    stdout: child.stdout,
    stderr: child.stderr!,
    capturedStdout: capture.read,
    closeInput: () => child.stdin!.destroy(),
    run() {
      if (started) return;
      started = true;
      child.stdin!.write('run\n');
    },
    discard() {
      child.stdin!.end();
      capture.read();
    },
    killTree,
    exited,
  };
}

/**
 * The program alone in its own process group, started by run(): for a throw-away database (a
 * shadow), where a commit after the runner died harms nothing, even an sh start is not worth paying.
 */
function startUnwatched(
  binary: string,
  args: readonly string[],
  env: Record<string, string>,
  capture: ReturnType<typeof stdoutCapture>,
): SupervisedChild {
  const stdout = capture.stdio === 'pipe' ? new PassThrough() : null;
  const stderr = new PassThrough();
  let child: ChildProcess | undefined;
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  return {
    get pid() {
      return child?.pid ?? -1;
    },
    stdout,
    stderr,
    capturedStdout: capture.read,
    closeInput() {},
    run() {
      if (child) return;
      child = spawn(binary, [...args], { env, detached: true, stdio: ['ignore', capture.stdio, 'pipe'] });
      if (stdout) child.stdout!.pipe(stdout);
      child.stderr!.pipe(stderr);
      child.on('error', () => resolveExit(127));
      child.on('close', (code, signal) => resolveExit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    },
    discard() {
      if (child) return;
      capture.read();
      resolveExit(0);
    },
    killTree(signal: NodeJS.Signals = 'SIGKILL') {
      if (!child?.pid) return resolveExit(130);
      try {
        process.kill(-child.pid, signal);
      } catch {
        // gone already
      }
    },
    exited,
  };
}
