import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';

/** The command names listed under "Commands:" in a help screen (commander's own `help` left out). */
function subcommands(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1];
  if (!section) return [];
  return section
    .split(/\n\n/)[0]!
    .split('\n')
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => Boolean(name) && name !== 'help');
}

/** Every command path, found the way a user finds them: by reading each help screen. */
async function walk(path: string[] = []): Promise<{ path: string[]; help: string }[]> {
  const run = await runInProcess([...path, '--help']);
  expect(run.exitCode, `${path.join(' ')} --help: ${run.stderr}`).toBe(0);
  const screens = [{ path, help: run.stdout }];
  for (const name of subcommands(run.stdout)) screens.push(...(await walk([...path, name])));
  return screens;
}

let screens: { path: string[]; help: string }[];
beforeAll(async () => {
  screens = await walk();
}, 120_000);

describe('help that teaches, on every screen of every command', () => {
  it('finds every command of the manifest and their verbs', () => {
    const paths = screens.map((s) => s.path.join(' '));
    for (const expected of [
      'migrate up',
      'schema check',
      'trace',
      'runbook run',
      'breaker list',
      'budget status',
      'sla report',
      'check',
      'demo',
      'completion',
    ]) {
      expect(paths).toContain(expected);
    }
    expect(screens.length).toBeGreaterThan(30);
  });

  it('every help screen has examples, the global options, its exit codes and a docs page', () => {
    const missing: string[] = [];
    for (const { path, help } of screens) {
      const name = path.join(' ') || '(medicalcor)';
      if (!/^Examples:\n {2}medicalcor /m.test(help)) missing.push(`${name}: Examples`);
      if (!/^Exit codes:/m.test(help)) missing.push(`${name}: Exit codes`);
      if (!/^Learn more: \S+\.md/m.test(help)) missing.push(`${name}: Learn more`);
      // the program's own help lists them as its options; every command below it as Global Options
      const globals = help.split(/^Global Options:$/m)[1] ?? '';
      if (path.length && !(globals.includes('-o, --output <format>') && globals.includes('--env <name>')))
        missing.push(`${name}: Global Options`);
    }
    expect(missing).toEqual([]);
  });

  it('the docs page named by each noun’s help ships in the package', () => {
    const { files } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(files).toContain('docs');
    const pages = new Set(
      screens
        .map(({ help }) => /^Learn more: (\S+\.md)/m.exec(help)?.[1])
        .filter((p): p is string => Boolean(p) && !p!.includes('<')),
    );
    expect([...pages].filter((page) => !existsSync(join(repoRoot, page)))).toEqual([]);
  });

  it('a command that finds problems lists exit 3; one that can read part lists 4', () => {
    const of = (path: string) => screens.find((s) => s.path.join(' ') === path)!.help;
    expect(of('schema check')).toMatch(/^ {2}3 {3}the command worked and found a problem$/m);
    expect(of('sla status')).toMatch(/^ {2}4 {3}partial/m);
    expect(of('migrate up')).not.toMatch(/^ {2}3 /m);
  });
});

describe('the shell around the commands', () => {
  it('`medicalcor` alone prints the help on stdout and exits 0', async () => {
    const run = await runInProcess([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: medicalcor');
    expect(run.stdout).toContain('migrate');
    expect(run.stderr).toBe('');
    // a noun without its verb asks the same of that noun
    const noun = await runInProcess(['--no-color', 'migrate']);
    expect(noun.exitCode).toBe(0);
    expect(noun.stdout).toContain('Usage: medicalcor migrate');
    expect(noun.stdout).toMatch(/^Commands:$/m);
    expect(noun.stderr).toBe('');
  });

  it('a typo of a command is answered with the command meant, not the typo', async () => {
    const run = await runInProcess(['migrat', 'status']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('hint: run "medicalcor migrate --help" for usage.');
    expect(run.stderr).not.toContain('medicalcor migrat --help');
    const sub = await runInProcess(['migrate', 'stauts']);
    expect(sub.exitCode).toBe(2);
    expect(sub.stderr).toContain('(Did you mean status?)');
  });

  it('completion refuses a shell it does not know and -o json, with exit 2', async () => {
    expect((await runInProcess(['completion', 'tcsh'])).exitCode).toBe(2);
    const json = await runInProcess(['-o', 'json', 'completion', 'bash']);
    expect(json.exitCode).toBe(2);
    expect(json.stdout).toBe('');
  });
});

describe('medicalcor completion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-completion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Completes like bash does at a TAB: the script sourced in a real bash, COMP_WORDS/COMP_CWORD set. */
  function bashComplete(script: string, words: string[]): string[] {
    // `medicalcor` on PATH is the built CLI (what the script calls at each TAB)
    symlinkSync(binPath, join(dir, 'medicalcor'), 'file');
    writeFileSync(join(dir, 'completion.bash'), script);
    const program = [
      `source ${join(dir, 'completion.bash')}`,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
      `COMP_CWORD=${words.length - 1}`,
      '_medicalcor',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    try {
      return execFileSync('bash', ['--norc', '--noprofile', '-c', program], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      })
        .split('\n')
        .filter(Boolean);
    } finally {
      rmSync(join(dir, 'medicalcor'));
    }
  }

  it('the bash script, sourced in bash, completes commands, subcommands, options and choices', async () => {
    const { stdout, exitCode } = await runCli(['completion', 'bash']);
    expect(exitCode).toBe(0);
    expect(bashComplete(stdout, ['medicalcor', 'mi'])).toEqual(['migrate']);
    expect(bashComplete(stdout, ['medicalcor', 'migrate', ''])).toEqual(
      expect.arrayContaining(['up', 'down', 'status', 'lint', 'new']),
    );
    expect(bashComplete(stdout, ['medicalcor', 'migrate', 'st'])).toEqual(['status']);
    expect(bashComplete(stdout, ['medicalcor', '--env', 'x', 'schema', 'c'])).toEqual(['check']);
    expect(bashComplete(stdout, ['medicalcor', 'migrate', 'up', '--dr'])).toEqual(['--dry-run']);
    expect(bashComplete(stdout, ['medicalcor', '-o', ''])).toEqual(['github', 'json', 'table', 'yaml']);
  }, 120_000);

  it('zsh and fish scripts ask the same candidates from medicalcor', async () => {
    for (const shell of ['zsh', 'fish']) {
      const { stdout, exitCode } = await runInProcess(['completion', shell]);
      expect(exitCode).toBe(0);
      expect(stdout).toContain('medicalcor __complete');
    }
    expect((await runInProcess(['__complete', 'breaker', ''])).stdout.split('\n')).toEqual(
      expect.arrayContaining(['list', 'reset', 'open', 'probe']),
    );
  });
});
