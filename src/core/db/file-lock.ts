import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { conflict } from '../errors.js';

interface LockOwner {
  pid: number;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * An exclusive lock file: only one process may open an embedded PGlite data directory at a time.
 * A lock left by a dead process is taken over; a live holder is waited for up to `timeoutMs`.
 */
export async function acquireFileLock(path: string, command: string, timeoutMs: number): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, command, since: new Date().toISOString() } satisfies LockOwner));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readOwner(path);
    if (!owner || !alive(owner.pid)) {
      // written by a process that died; a half-written file is also stale after a moment
      if (!owner) await new Promise((r) => setTimeout(r, 50));
      if (!readOwner(path) || !alive(readOwner(path)!.pid)) rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw conflict(
        `The embedded database is in use by process ${owner.pid} (${owner.command}) since ${owner.since}.`,
        {
          code: 'db.embedded-in-use',
          facts: { pid: owner.pid, command: owner.command, since: owner.since, lockFile: path },
          remedy: 'Wait for it to finish, or configure a PostgreSQL server for concurrent use.',
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
