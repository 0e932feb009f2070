import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { makeChalk, type Palette } from './color.js';
import { redactSecrets } from '../core/redact.js';

/**
 * The streams and terminal facts a command needs, passed in rather than read from globals so a
 * command can be run in a test with in-memory streams.
 */
export interface Io {
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
  /** colour decided once (see color.ts) */
  color: boolean;
  /** stdin and stderr are terminals and CI is unset: prompts and spinners are allowed */
  interactive: boolean;
  /** secret values resolved from configuration, removed from every message */
  secrets: string[];
}

export function chalkFor(io: Io): Palette {
  return makeChalk(io.color);
}

export function writeOut(io: Io, text: string): void {
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Notes, warnings and progress go to stderr so stdout stays parseable. Secrets are removed. */
export function note(io: Io, text: string): void {
  io.stderr.write(`${redactSecrets(text, io.secrets)}\n`);
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

/** A spinner on stderr when interactive; otherwise nothing (CI logs stay clean). */
export async function startSpinner(io: Io, text: string): Promise<Spinner> {
  if (!io.interactive || !io.color) return { update() {}, stop() {} };
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: io.stderr as NodeJS.WriteStream }).start();
  return { update: (t) => void (spinner.text = t), stop: () => void spinner.stop() };
}

/** A path as an operator reads it: relative to the working directory when inside it, else absolute. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : path;
}

/**
 * Writes the whole file or nothing: next to its final name first, then renamed, so a reader never
 * sees half a report or snapshot. `what` names the file in the error ("the HTML report").
 */
export function writeFileAtomically(path: string, content: string, options: { what: string; mode?: number }): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: options.mode ?? 0o644 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CliError(`cannot write ${options.what} to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.Operational, 'Check that the directory exists and is writable.');
  }
}
