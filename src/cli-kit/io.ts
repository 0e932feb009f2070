import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { makeChalk, type Palette } from './color.js';
import { clearProgressLine, startProgress, type ProgressMode } from './progress.js';
import { redactLine } from '../core/redact.js';

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
  /** screen columns tables must fit (see width.ts); undefined when piped: print everything */
  width?: number;
  /** how long work shows itself on stderr (see progress.ts); 'off' when not set */
  progress?: ProgressMode;
}

export function chalkFor(io: Io): Palette {
  return makeChalk(io.color);
}

export function writeOut(io: Io, text: string): void {
  clearProgressLine(io.stderr);
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Notes, warnings and progress go to stderr so stdout stays parseable. Secrets are removed. */
export function note(io: Io, text: string): void {
  clearProgressLine(io.stderr);
  io.stderr.write(`${redactLine(text, io.secrets)}\n`);
}

export interface Spinner {
  update(text: string): void;
  stop(): void;
}

/**
 * Progress of a long phase on stderr, named by `text`: a spinner on a terminal (without colour
 * under NO_COLOR), a line per phase with --progress when not a terminal, else nothing. Async for
 * the callers written when it loaded ora; see progress.ts for the synchronous startProgress.
 */
export async function startSpinner(io: Io, text: string): Promise<Spinner> {
  return startProgress({ stderr: io.stderr, progress: io.progress ?? 'off', color: io.color }, text);
}

const said = new WeakMap<Io, Set<string>>();

/** note(), but each distinct text at most once per command (one database note, however many opens). */
export function noteOnce(io: Io, text: string): void {
  const seen = said.get(io) ?? new Set<string>();
  said.set(io, seen);
  if (seen.has(text)) return;
  seen.add(text);
  note(io, text);
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
    throw new CliError(
      `cannot write ${options.what} to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      ExitCode.Operational,
      'Check that the directory exists and is writable.',
    );
  }
}
