import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The watcher that sits between the CLI and dbmate. It is started in its own process group (so a
 * terminal's Ctrl-C reaches only the CLI, which decides), starts dbmate in that group when the CLI
 * writes "run", and reads its stdin, a pipe from the CLI, until EOF. EOF before dbmate has exited
 * means the CLI died without cleaning up (kill -9, OOM): the watcher kills dbmate at once, so no
 * COMMIT can be sent after its runner is gone, then ends dbmate's server sessions (found by their
 * application_name) so their locks go too. It uses only Node and the pg module the CLI resolves.
 * Kept as source text run with `node -e`: it must work from the bundle and from the sources alike.
 */
const WATCHER_SOURCE = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const [pgPath, appName, bin, ...args] = process.argv.slice(1);
let child;
let exited = false;
let orphan = false;
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
process.stdin.on('data', (d) => {
  if (!child && String(d).includes('run')) start();
});
process.stdin.on('end', orphaned);
process.stdin.on('error', orphaned);
function start() {
  child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('error', (e) => { process.stderr.write('error: cannot start ' + bin + ': ' + e.message + '\n'); process.exit(127); });
  child.on('exit', (code, signal) => {
    exited = true;
    if (orphan) return;
    process.exit(code === null ? 128 + (constants.signals[signal] || 9) : code);
  });
}
async function orphaned() {
  if (!child || exited) process.exit(0);
  orphan = true;
  try { child.kill('SIGKILL'); } catch {}
  try {
    const pg = require(pgPath);
    const url = new URL(process.env.DATABASE_URL);
    url.searchParams.delete('application_name');
    const c = new pg.Client({ connectionString: url.toString(), application_name: 'medicalcor-watcher' });
    c.on('error', () => {});
    await c.connect();
    for (let i = 0; i < 300; i++) {
      const { rows } = await c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
        [appName],
      );
      if (rows.length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await c.end();
  } catch {}
  process.exit(137);
}
`;

export interface SupervisedChild {
  /** pid of the watcher, which is also the id of the process group holding it and dbmate */
  pid: number;
  stdout: Readable;
  stderr: Readable;
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

/**
 * Starts `binary args` under the watcher, in a new process group. stdout and stderr are the
 * program's own; the environment is exactly `env` (the URL travels there, never in argv).
 */
export function startSupervised(
  binary: string,
  args: readonly string[],
  options: { env: Record<string, string>; applicationName: string; watch?: boolean },
): SupervisedChild {
  if (options.watch === false) return startUnwatched(binary, args, options.env);
  const child = spawn(
    process.execPath,
    ['-e', WATCHER_SOURCE, '--', require.resolve('pg'), options.applicationName, binary, ...args],
    {
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
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
    stdout: child.stdout!,
    stderr: child.stderr!,
    closeInput: () => child.stdin!.destroy(),
    run() {
      if (started) return;
      started = true;
      child.stdin!.write('run\n');
    },
    discard() {
      child.stdin!.end();
    },
    killTree,
    exited,
  };
}

/**
 * The program alone in its own process group, started by run(): for a throw-away database (a
 * shadow), where a commit after the runner died harms nothing, a Node start is not worth paying.
 */
function startUnwatched(binary: string, args: readonly string[], env: Record<string, string>): SupervisedChild {
  const stdout = new PassThrough();
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
    closeInput() {},
    run() {
      if (child) return;
      child = spawn(binary, [...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.pipe(stdout);
      child.stderr!.pipe(stderr);
      child.on('error', () => resolveExit(127));
      child.on('close', (code, signal) => resolveExit(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
    },
    discard() {
      if (!child) resolveExit(0);
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
