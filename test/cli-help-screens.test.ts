import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { answerFromScreens } from '../src/commands/help-fast.js';
import { binPath, cleanEnv, repoRoot } from './helpers/cli.js';
import { collector } from './helpers/in-process.js';

/**
 * dist/help/ (scripts/build-help.mjs) holds every help screen as the text the shell prints when
 * stdout is not a terminal, and the completion trees; bin/medicalcor answers from it before the
 * shell loads. What a user relies on: the same bytes as the shell with the module loaded, for every
 * screen and TAB; the shell answering whenever the screens cannot (a terminal, a word they lack).
 */

const dist = join(repoRoot, 'dist');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** The shell in-process, from the sources, with the command modules loaded (no manifest), stdout not a terminal. */
async function shell(args: readonly string[]): Promise<string> {
  const stdout = collector();
  const stderr = collector();
  const saved = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });
  try {
    const streams = { stdout, stderr, stdin: process.stdin, env: cleanEnv(), cwd: repoRoot };
    const exitCode = await runCli(['node', 'medicalcor', ...args], streams);
    return `exit ${exitCode}\n${stdout.text()}${stderr.text()}`;
  } finally {
    if (saved) Object.defineProperty(process.stdout, 'isTTY', saved);
    else Reflect.deleteProperty(process.stdout, 'isTTY');
  }
}

function fromScreens(args: readonly string[], stdoutIsTTY = false): string | undefined {
  let text = '';
  const answered = answerFromScreens(['node', 'medicalcor', ...args], {
    dist,
    version,
    stdoutIsTTY: () => stdoutIsTTY,
    write: (s) => void (text += s),
  });
  return answered ? `exit 0\n${text}` : undefined;
}

const screenArgs = (file: string) => (file === '@.txt' ? [] : file.slice(1, -'.txt'.length).split('+'));

describe('the precomputed help screens', () => {
  const files = readdirSync(join(dist, 'help')).filter((f) => f.endsWith('.txt'));

  it('cover every command path of every noun (--help, -h, help X)', () => {
    for (const args of [['--help'], ['migrate', 'up', '--help'], ['help', 'runbook', 'run'], ['incident', 'ack', '-h']])
      expect(files, args.join(' ')).toContain(`@${args.join('+')}.txt`);
    expect(files.length).toBeGreaterThan(100);
  });

  it('each says byte for byte what the shell prints with the module loaded', async () => {
    for (const file of files) {
      const args = screenArgs(file);
      expect(fromScreens(args), file).toBe(await shell(args));
    }
  }, 300_000);

  it('a TAB says what the shell says, on nouns, verbs, options and choices', async () => {
    for (const args of [
      ['__complete', ''],
      ['__complete', 'mi'],
      ['__complete', 'migrate', ''],
      ['__complete', 'migrate', 'up', '--'],
      ['__complete', '--output', ''],
      ['__complete', '--env', 'staging', 'runbook', ''],
      ['__complete', 'budget', 'freeze', '--'],
      ['__complete', 'nope', 'migrate', ''],
    ])
      expect(fromScreens(args), args.join(' ')).toBe(await shell(args));
  }, 120_000);

  it('leaves to the shell a terminal (its width), global options, arguments and unknown words', () => {
    expect(fromScreens(['migrate', 'up', '--help'], true)).toBeUndefined();
    expect(fromScreens(['--env', 'staging', 'migrate', '--help'])).toBeUndefined();
    expect(fromScreens(['migrate', 'up', '--to', '1', '--help'])).toBeUndefined();
    expect(fromScreens(['migrate', 'nope', '--help'])).toBeUndefined();
    expect(fromScreens(['--version'])).toBeUndefined();
    expect(fromScreens(['migrate', 'status'])).toBeUndefined();
  });

  it('a help screen and a TAB load neither the shell nor the command module (child process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-help-screens-'));
    const preload = join(dir, 'loaded.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => process.stderr.write(JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`,
    );
    try {
      for (const args of [
        ['migrate', 'up', '--help'],
        ['__complete', 'migrate', ''],
      ]) {
        const result = await execa('node', ['-r', preload, binPath, ...args], { env: cleanEnv(), extendEnv: false });
        const loaded = (JSON.parse(String(result.stderr)) as string[])
          .filter((f) => f.startsWith(repoRoot))
          .map((f) => f.slice(repoRoot.length));
        expect(loaded).toEqual(['bin/medicalcor', 'dist/help-fast.cjs']);
        expect(`exit 0\n${result.stdout}\n`).toBe(await shell(args));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
