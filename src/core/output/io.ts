import type { Readable, Writable } from 'node:stream';
import { makeChalk, type Palette } from './color.js';
import { redactSecrets } from './redact.js';

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
  env: NodeJS.ProcessEnv;
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
