import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeNouns, runCli } from '../src/cli.js';
import { commandManifest } from '../src/commands/index.js';
import { commandPaths } from '../src/commands/help.js';
import { manifestIn, stampOf, type CommandSpec, type HelpManifest } from '../src/commands/help-manifest.js';
import { asksForHelp } from '../src/commands/help-request.js';
import { binPath, cleanEnv, repoRoot } from './helpers/cli.js';
import { collector } from './helpers/in-process.js';

/**
 * `medicalcor <noun> ... --help` and TAB answer from dist/help.json (the noun's commander tree as
 * data) instead of importing the noun's module. What a user relies on: the same bytes as when the
 * module is loaded, for every command path, at every terminal width; never a stale manifest.
 */

type Manifest = (noun: string) => CommandSpec[] | undefined;

async function run(args: readonly string[], helpManifest?: Manifest): Promise<string> {
  const stdout = collector();
  const stderr = collector();
  const streams = { stdout, stderr, stdin: process.stdin, env: cleanEnv(), cwd: repoRoot };
  const exitCode = await runCli(['node', 'medicalcor', ...args], streams, { helpManifest });
  return `exit ${exitCode}\n--- stdout\n${stdout.text()}--- stderr\n${stderr.text()}`;
}

/** commander wraps help to the terminal's width (process.stdout.columns on a terminal, else 80). */
async function atWidth<T>(columns: number | undefined, work: () => Promise<T>): Promise<T> {
  const saved = { isTTY: process.stdout.isTTY, columns: process.stdout.columns };
  Object.defineProperty(process.stdout, 'isTTY', { value: columns !== undefined, configurable: true, writable: true });
  Object.defineProperty(process.stdout, 'columns', { value: columns, configurable: true, writable: true });
  try {
    return await work();
  } finally {
    Object.defineProperty(process.stdout, 'isTTY', { value: saved.isTTY, configurable: true, writable: true });
    Object.defineProperty(process.stdout, 'columns', { value: saved.columns, configurable: true, writable: true });
  }
}

/** Every command path of a noun's specs: ['migrate'], ['migrate', 'up'], ... */
function pathsOf(specs: readonly CommandSpec[], prefix: string[] = []): { path: string[]; spec: CommandSpec }[] {
  return specs.flatMap((spec) => [
    { path: [...prefix, spec.name], spec },
    ...pathsOf(spec.commands, [...prefix, spec.name]),
  ]);
}

/** The runs a user makes to read a command's help or complete after it. */
function requestsFor(path: string[], spec: CommandSpec): string[][] {
  const requests = [
    [...path, '--help'],
    [...path, '-h'],
    ['help', ...path],
    ['__complete', ...path, ''],
    ['__complete', ...path, '--'],
  ];
  if (spec.commands.length) requests.push(path);
  if (spec.helpCommand) requests.push([...path, 'help'], [...path, 'help', spec.commands[0]!.name]);
  for (const option of spec.options.filter((o) => o.choices)) {
    const long = option.flags.split(/[ ,|]+/).find((f) => f.startsWith('--'));
    if (long) requests.push(['__complete', ...path, long, '']);
  }
  // with global options around: the program parses them before the noun sees the help flag
  requests.push(
    ['--env', 'staging', ...path, '--help'],
    ['-o', 'json', ...path, '-h'],
    [...path, '--no-color', '--help'],
  );
  if (spec.commands.length) requests.push(['--output=yaml', ...path]);
  return requests;
}

/** The same manifest with a mark on every command: output from the manifest shows it, output from the module cannot. */
function marked(specs: readonly CommandSpec[]): CommandSpec[] {
  return specs.map((spec) => ({
    ...spec,
    options: [
      ...spec.options.map((o) => (o.choices ? { ...o, choices: [...o.choices, 'from-manifest'] } : o)),
      { flags: '--from-manifest', description: 'only in the manifest', hidden: false, mandatory: false },
    ],
    commands: [
      ...marked(spec.commands),
      { ...spec, name: 'from-manifest', commands: [], options: [], arguments: [], helpCommand: null },
    ],
  }));
}

let nouns: Record<string, CommandSpec[]>;
let skipped: string[];
beforeAll(async () => {
  ({ nouns, skipped } = await describeNouns());
}, 120_000);

describe('the help manifest describes every command of the registry', () => {
  it('every noun of commandManifest is described, none left out', () => {
    expect(skipped).toEqual([]);
    expect(Object.keys(nouns).sort()).toEqual(commandManifest.map((c) => c.name).sort());
  });

  it('its paths are exactly the paths registered by the modules', async () => {
    for (const noun of Object.keys(nouns)) {
      const program = new Command('medicalcor');
      const file = existsSync(join(repoRoot, 'src', 'commands', noun, 'index.ts')) ? `${noun}/index.ts` : `${noun}.ts`;
      const module = (await import(/* @vite-ignore */ join(repoRoot, 'src', 'commands', file))) as {
        register(program: Command, ctx: () => never): void;
      };
      module.register(program, () => {
        throw new Error('no command runs here');
      });
      expect(pathsOf(nouns[noun]!).map((p) => p.path.join(' '))).toEqual(commandPaths(program));
    }
  });

  it('dist/help.json (npm run build) holds the same trees for this version', () => {
    const built = JSON.parse(readFileSync(join(repoRoot, 'dist', 'help.json'), 'utf8')) as HelpManifest;
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(built.version).toBe(version);
    expect(Object.fromEntries(Object.entries(built.nouns).map(([noun, entry]) => [noun, entry.commands]))).toEqual(
      nouns,
    );
    for (const [noun, entry] of Object.entries(built.nouns)) {
      expect(entry.stamp, noun).toBe(stampOf(readFileSync(join(repoRoot, 'dist', 'commands', `${noun}.js`))));
    }
  });
});

describe('help and completion from the manifest are byte for byte those of the loaded module', () => {
  const fromManifest: Manifest = (noun) => nouns[noun];

  for (const columns of [undefined, 40, 132]) {
    const where = columns ? `on a ${columns}-column terminal` : 'piped (80 columns)';
    it(`every path, every way of asking, ${where}`, async () => {
      const differences: string[] = [];
      let compared = 0;
      await atWidth(columns, async () => {
        for (const noun of Object.keys(nouns)) {
          const requests = pathsOf(nouns[noun]!).flatMap(({ path, spec }) => requestsFor(path, spec));
          for (const args of requests) {
            const slow = await run(args);
            const fast = await run(args, fromManifest);
            compared++;
            if (fast !== slow)
              differences.push(`medicalcor ${args.join(' ')}\n${fast}\n=== loading the module:\n${slow}`);
            // the fast path really answered: the marked manifest shows through
            if ((await run(args, (n) => (n === noun ? marked(nouns[n]!) : undefined))) === slow)
              differences.push(`not from the manifest: ${args.join(' ')}`);
          }
        }
      });
      expect(differences.slice(0, 3)).toEqual([]);
      expect(compared).toBeGreaterThan(200);
    }, 600_000);
  }

  it('the width really changes what commander prints (so the comparisons above cover it)', async () => {
    const piped = await atWidth(undefined, () => run(['migrate', '--help']));
    const narrow = await atWidth(40, () => run(['migrate', '--help'], fromManifest));
    expect(narrow).not.toBe(piped);
    expect(narrow).toBe(await atWidth(40, () => run(['migrate', '--help'])));
  });

  it('help <path> prints the help of that path, as <path> --help does', async () => {
    const direct = await run(['migrate', 'up', '--help']);
    expect(await run(['help', 'migrate', 'up'])).toBe(direct);
    expect(await run(['help', 'migrate', 'up'], fromManifest)).toBe(direct);
    expect(direct).toContain('Usage: medicalcor migrate up [options]');
    expect(await run(['help', 'migrate'])).toContain('\nCommands:\n');
  });
});

describe('what the manifest does not answer goes to the loaded module', () => {
  const program = new Command('medicalcor')
    .version('0.0.0', '-V, --version')
    .option('--env <name>', 'environment')
    .option('--debug', 'stack traces')
    .addOption(new Option('-o, --output <format>', 'format').choices(['table', 'json']));
  const specs = (): CommandSpec[] => nouns.migrate!;

  it.each([
    [['migrate', 'up', '--help'], true],
    [['--env', 'staging', 'migrate', 'up', '-h'], true],
    [['migrate', '--debug', 'up', '--help'], true],
    [['migrate'], true],
    [['migrate', 'help'], true],
    [['migrate', 'help', 'up'], true],
    [['-o', 'bogus', 'migrate', '--help'], false],
    [['--env'], false],
    [['migrate', 'up'], false],
    [['migrate', 'up', '--dry-run', '--help'], false],
    [['migrate', '--help', 'up'], false],
    [['migrate', 'down', '2', '--help'], false],
    [['migrate', 'up', '--', '--help'], false],
    [['-V', 'migrate'], false],
    [['--debug=yes', 'migrate', '--help'], false],
    [['migrate', 'help', 'bogus'], false],
    [['migrate', 'bogus', '--help'], false],
  ])('%j → %s', (args, answered) => {
    expect(asksForHelp(program, specs(), args)).toBe(answered);
  });

  it('a run the manifest does not answer behaves as without it', async () => {
    const fromMarked: Manifest = (n) => (n === 'migrate' ? marked(nouns[n]!) : undefined);
    // commander looks for the help flag before it complains about an unknown option
    const help = await run(['migrate', 'up', '--bogus', '--help']);
    expect(help).toMatch(/^exit 0\n--- stdout\nUsage: medicalcor migrate up /);
    expect(await run(['migrate', 'up', '--bogus', '--help'], fromMarked)).toBe(help);
    const unknown = await run(['migrate', 'up', '--bogus']);
    expect(unknown).toMatch(/^exit 2\n/);
    expect(await run(['migrate', 'up', '--bogus'], fromMarked)).toBe(unknown);
  });
});

describe('a stale or foreign manifest is never read', () => {
  let dir: string;
  const module = 'export function register() {}\n';
  const write = (manifest: unknown) =>
    writeFileSync(join(dir, 'help.json'), typeof manifest === 'string' ? manifest : JSON.stringify(manifest));
  const manifestFor = (version: string, stamp: string) => ({
    format: 1,
    version,
    nouns: { migrate: { stamp, commands: nouns.migrate } },
  });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-help-manifest-'));
    mkdirSync(join(dir, 'commands'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fresh: same version, module unchanged since the manifest was written', () => {
    writeFileSync(join(dir, 'commands', 'migrate.js'), module);
    write(manifestFor('1.2.3', stampOf(Buffer.from(module))));
    expect(manifestIn(dir, '1.2.3')('migrate')).toEqual(nouns.migrate);
    expect(manifestIn(dir, '1.2.3')('schema')).toBeUndefined();
    expect(manifestIn(dir, '1.2.3')('__proto__')).toBeUndefined();
  });

  it('stale: the module was rebuilt after the manifest; another version; another format; unreadable', () => {
    writeFileSync(join(dir, 'commands', 'migrate.js'), module);
    write(manifestFor('1.2.3', stampOf(Buffer.from(module))));
    writeFileSync(join(dir, 'commands', 'migrate.js'), `${module}// rebuilt\n`);
    expect(manifestIn(dir, '1.2.3')('migrate')).toBeUndefined();
    writeFileSync(join(dir, 'commands', 'migrate.js'), module);
    expect(manifestIn(dir, '1.2.4')('migrate')).toBeUndefined();
    write({ ...manifestFor('1.2.3', stampOf(Buffer.from(module))), format: 2 });
    expect(manifestIn(dir, '1.2.3')('migrate')).toBeUndefined();
    write('{"format": 1, "version": "1.2.3", "nouns": {');
    expect(manifestIn(dir, '1.2.3')('migrate')).toBeUndefined();
    rmSync(join(dir, 'help.json'));
    expect(manifestIn(dir, '1.2.3')('migrate')).toBeUndefined();
  });
});

describe('the built CLI (child processes)', () => {
  const env = cleanEnv();

  it('migrate up --help and a TAB on a verb import no command module, and print what the module prints', async () => {
    for (const args of [
      ['migrate', 'up', '--help'],
      ['__complete', 'migrate', ''],
    ]) {
      const result = await execa('node', ['--import', `${repoRoot}test/helpers/record-imports.mjs`, binPath, ...args], {
        env,
        extendEnv: false,
        reject: false,
        cwd: repoRoot,
      });
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const files = String(result.stderr)
        .split('\n')
        .filter((l) => l.startsWith('imported-file:'))
        .map((l) => l.slice('imported-file:'.length));
      expect(files).toEqual(['bin/medicalcor']);
      expect(`exit 0\n--- stdout\n${result.stdout}\n--- stderr\n`).toBe(await atWidth(undefined, () => run(args)));
    }
  }, 120_000);

  it('a copy of the package answers from its screens or manifest only while they describe its module', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'mc-help-package-'));
    try {
      for (const part of ['bin', 'dist', 'package.json'])
        cpSync(join(repoRoot, part), join(copy, part), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules'), join(copy, 'node_modules'));
      const help = async () =>
        (
          await execa('node', [join(copy, 'bin', 'medicalcor'), 'migrate', 'up', '--help'], {
            env,
            extendEnv: false,
            cwd: copy,
          })
        ).stdout;
      const real = await help();
      // a precomputed screen that says something else is shown as long as its stamps match...
      const screen = join(copy, 'dist', 'help', '@migrate+up+--help.txt');
      const header = readFileSync(screen, 'utf8').split('\n')[0];
      writeFileSync(screen, `${header}\nFROM THE SCREEN\n`);
      expect(await help()).toBe('FROM THE SCREEN');
      // ...without the screens, so is a manifest that says something else...
      renameSync(join(copy, 'dist', 'help'), join(copy, 'dist', 'help-aside'));
      const manifest = JSON.parse(readFileSync(join(copy, 'dist', 'help.json'), 'utf8')) as HelpManifest;
      const up = manifest.nouns.migrate!.commands[0]!.commands.find((c) => c.name === 'up')!;
      up.description = 'FROM THE MANIFEST';
      writeFileSync(join(copy, 'dist', 'help.json'), JSON.stringify(manifest));
      expect(await help()).toContain('FROM THE MANIFEST');
      renameSync(join(copy, 'dist', 'help-aside'), join(copy, 'dist', 'help'));
      // ...and both are ignored once the module was rebuilt (tsup without build-help)
      writeFileSync(
        join(copy, 'dist', 'commands', 'migrate.js'),
        `${readFileSync(join(copy, 'dist', 'commands', 'migrate.js'), 'utf8')}\n`,
      );
      expect(await help()).toBe(real);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
