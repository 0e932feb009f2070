import { fstatSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { completeWords, type CompletionNode } from '../cli-kit/completion.js';
import { stampOf } from './help-stamp.js';

/**
 * The first thing bin/medicalcor runs (dist/help-fast.cjs, no package, no commander): a help
 * screen or a TAB answered from text that scripts/build-help.mjs rendered with the real shell and
 * wrote to dist/help/, so `medicalcor migrate up --help` costs a file read over `node -e 0`.
 * Anything it is not sure of (a word it has no screen for, a stale or missing file, stdout a
 * terminal, whose width commander wraps to) returns false and the shell (dist/cli.cjs) answers.
 */

/** package.json's version, put in at build time (tsup `define`) */
declare const CLI_VERSION: string;

export const HELP_SCREENS_FORMAT = 1;

/** The words a precomputed screen can be asked by: command names and the help flags, nothing else. */
const WORD = /^(?:[a-z0-9][a-z0-9-]{0,39}|--help|-h)$/;

/** The file of the screen `medicalcor WORDS...` prints ('@.txt' for the bare program). */
export function screenFile(words: readonly string[]): string | undefined {
  if (words.length > 6 || !words.every((w) => WORD.test(w))) return undefined;
  return `@${words.join('+')}.txt`;
}

/**
 * What a screen's first line says it was rendered from: the format, the CLI's version, the size of
 * the shell (dist/cli.cjs), and the noun whose help it is with its module's stamp ('- -' for none).
 */
export function screenHeader(format: number, version: string, shellSize: number, noun: string): string {
  return `medicalcor-help ${format} ${version} ${shellSize} ${noun}`;
}

/** The completion data (dist/help/complete.json): the tree as the shell builds it for each noun. */
export interface CompletionScreens {
  format: number;
  version: string;
  shellSize: number;
  /** the tree when the word being completed follows no known noun */
  root: CompletionNode;
  /** the tree the shell builds when `noun` is on the line (that noun expanded, the others not) */
  nouns: Record<string, { stamp: string; root: CompletionNode }>;
  /** nouns whose TAB the shell answers (left out of dist/help.json) */
  slow: string[];
}

export interface Answerer {
  /** the dist directory (where cli.cjs, commands/ and help/ are) */
  dist: string;
  version: string;
  /** whether stdout is a terminal (help is then wrapped to its width: not precomputed) */
  stdoutIsTTY: () => boolean;
  write: (text: string) => void;
}

const shellSize = (dist: string) => statSync(join(dist, 'cli.cjs')).size;
const nounStamp = (dist: string, noun: string) => stampOf(readFileSync(join(dist, 'commands', `${noun}.js`)));

function helpScreen(words: readonly string[], io: Answerer): string | undefined {
  const file = screenFile(words);
  if (!file || io.stdoutIsTTY()) return undefined;
  let text: string;
  try {
    text = readFileSync(join(io.dist, 'help', file), 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  const [tag, format, version, size, noun, stamp] = text.slice(0, newline).split(' ');
  if (tag !== 'medicalcor-help' || Number(format) !== HELP_SCREENS_FORMAT || version !== io.version) return undefined;
  if (Number(size) !== shellSize(io.dist)) return undefined;
  if (noun !== '-' && nounStamp(io.dist, noun!) !== stamp) return undefined;
  return text.slice(newline + 1);
}

/** The command `words` invoke, skipping global options and their values (as the shell does). */
function invoked(root: CompletionNode, words: readonly string[]): string | undefined {
  const takesValue = new Set(root.options.filter((o) => o.takesValue).flatMap((o) => o.flags));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (takesValue.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return undefined;
}

function completion(words: readonly string[], io: Answerer): string | undefined {
  let screens: CompletionScreens;
  try {
    screens = JSON.parse(readFileSync(join(io.dist, 'help', 'complete.json'), 'utf8')) as CompletionScreens;
  } catch {
    return undefined;
  }
  if (screens.format !== HELP_SCREENS_FORMAT || screens.version !== io.version) return undefined;
  if (screens.shellSize !== shellSize(io.dist)) return undefined;
  const noun = invoked(screens.root, words.slice(0, -1));
  let root = screens.root;
  if (noun !== undefined && screens.slow.includes(noun)) return undefined;
  if (noun !== undefined && Object.hasOwn(screens.nouns, noun)) {
    const entry = screens.nouns[noun]!;
    if (nounStamp(io.dist, noun) !== entry.stamp) return undefined;
    root = entry.root;
  }
  return completeWords(root, words.length ? words : [''])
    .map((candidate) => `${candidate}\n`)
    .join('');
}

/** The precomputed answer to `argv` (process.argv), written; false when the shell must answer. */
export function answerFromScreens(argv: readonly string[], io: Answerer): boolean {
  const args = argv.slice(2);
  let text: string | undefined;
  try {
    text = args[0] === '__complete' ? completion(args.slice(1), io) : helpScreen(args, io);
  } catch {
    // an unreadable or partial dist/help: the shell answers
    return false;
  }
  if (text === undefined) return false;
  io.write(text);
  return true;
}

/** All of `text` to fd 1; a reader that closed the pipe early (`| head`) is its own choice. */
function writeOut(text: string): void {
  const bytes = Buffer.from(text);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return;
      throw error;
    }
  }
}

/**
 * Whether fd 1 may be a terminal: any character device but /dev/null. node:tty would say exactly,
 * but loading it loads net and the streams (25 modules); a terminal goes to the shell anyway.
 */
function stdoutMayBeATerminal(): boolean {
  const out = fstatSync(1);
  if (!out.isCharacterDevice()) return false;
  const devNull = statSync('/dev/null');
  return out.rdev !== devNull.rdev || out.ino !== devNull.ino;
}

/** Entry point of bin/medicalcor: true when the answer was written and nothing else is to run. */
export function answer(argv: readonly string[]): boolean {
  return answerFromScreens(argv, {
    dist: __dirname,
    version: CLI_VERSION,
    stdoutIsTTY: stdoutMayBeATerminal,
    write: writeOut,
  });
}
