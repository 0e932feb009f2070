// Writes dist/help.json after tsup (`npm run build`): every noun's commander tree as data, so that
// `medicalcor <noun> ... --help` and TAB completion answer without importing the noun's module
// (src/commands/help-manifest.ts). The nouns come from the registry the shell uses
// (commandManifest), each loaded and registered by the built shell itself.
//
// Before writing, every help screen and completion the manifest would answer is rendered both ways
// (module loaded, and manifest) and compared byte for byte; a noun that differs anywhere is left
// out, so it keeps the slow path, and the build says so.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const require = createRequire(import.meta.url);
const cli = require(`${dist}cli.cjs`);

function collector() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  stream.text = () => chunks.join('');
  return stream;
}

async function render(args, helpManifest) {
  const stdout = collector();
  const stderr = collector();
  const streams = {
    stdout,
    stderr,
    get stdin() {
      return process.stdin;
    },
    env: { ...process.env, NO_COLOR: '1' },
    cwd: process.cwd(),
  };
  const exitCode = await cli.runCli(['node', 'medicalcor', ...args], streams, { helpManifest });
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

const run = async (args, helpManifest) => JSON.stringify(await render(args, helpManifest));

/** Every argv the manifest answers for a command at `path`, and the completions around it. */
function requestsFor(spec, path) {
  const words = [...path, spec.name];
  const requests = [
    [...words, '--help'],
    [...words, '-h'],
    ['help', ...words],
    ['__complete', ...words, ''],
    ['__complete', ...words, '--'],
  ];
  if (spec.commands.length)
    requests.push(words, [...words, 'help'], ['__complete', ...words.slice(0, -1), words.at(-1).slice(0, 1)]);
  for (const option of spec.options) {
    const long = option.flags.split(/[ ,|]+/).find((f) => f.startsWith('--'));
    if (option.choices && long) requests.push(['__complete', ...words, long, '']);
  }
  return [...requests, ...spec.commands.flatMap((sub) => requestsFor(sub, words))];
}

const { nouns, skipped } = await cli.describeNouns();

// A help text computed from where the build runs (cwd, user, home, time zone) would be baked in:
// describe every noun again somewhere else and leave out those that change.
const saved = { cwd: process.cwd(), env: { ...process.env } };
const elsewhere = mkdtempSync(join(tmpdir(), 'mc-build-help-'));
process.chdir(elsewhere);
Object.assign(process.env, {
  HOME: elsewhere,
  USER: 'build-help',
  LOGNAME: 'build-help',
  TZ: 'Pacific/Chatham',
  MEDICALCOR_ENV: 'build-help',
});
const again = await cli.describeNouns();
process.chdir(saved.cwd);
for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
Object.assign(process.env, saved.env);
rmSync(elsewhere, { recursive: true, force: true });
for (const noun of Object.keys(nouns)) {
  if (JSON.stringify(again.nouns[noun]) !== JSON.stringify(nouns[noun])) {
    skipped.push(`${noun}: its help depends on the directory, user or time zone it is shown in`);
    delete nouns[noun];
  }
}
const verified = {};
for (const [noun, commands] of Object.entries(nouns)) {
  const fromManifest = (name) => (name === noun ? commands : undefined);
  let difference;
  for (const args of commands.flatMap((spec) => requestsFor(spec, []))) {
    if ((await run(args, undefined)) !== (await run(args, fromManifest))) {
      difference = args.join(' ');
      break;
    }
  }
  if (difference) skipped.push(`${noun}: "medicalcor ${difference}" differs when rebuilt from the manifest`);
  else verified[noun] = { stamp: cli.stampOf(readFileSync(`${dist}commands/${noun}.js`)), commands };
}

writeFileSync(`${dist}help.json`, JSON.stringify({ ...cli.helpManifestHeader, nouns: verified }));
for (const reason of skipped) process.stderr.write(`build-help: left out (its help loads the module): ${reason}\n`);
process.stdout.write(
  `build-help: dist/help.json describes ${Object.keys(verified).length} nouns, ${skipped.length} left out\n`,
);

// The screens (dist/help/): every help request above as the text the shell prints when stdout is
// not a terminal (commander's width 80), and the completion trees, read by dist/help-fast.cjs
// before the shell loads (src/commands/help-fast.ts). A terminal's width is only known at run
// time: there the shell renders from dist/help.json as before.
const fast = require(`${dist}help-fast.cjs`);
const { version } = cli.helpManifestHeader;
const shellSize = statSync(`${dist}cli.cjs`).size;
const fromVerified = (name) => verified[name]?.commands;
const screens = `${dist}help/`;
rmSync(screens, { recursive: true, force: true });
mkdirSync(screens);
const stdoutTTY = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });
const program = [
  ['--help'],
  ['-h'],
  [],
  ['help'],
  ['completion', '--help'],
  ['completion', '-h'],
  ['help', 'completion'],
];
const helpRequests = Object.values(verified)
  .flatMap(({ commands }) => commands.flatMap((spec) => requestsFor(spec, [])))
  .filter((args) => args[0] !== '__complete');
let written = 0;
const notWritten = [];
for (const args of [...program, ...helpRequests]) {
  const file = fast.screenFile(args);
  const noun = args[0] === 'help' ? args[1] : args[0];
  const isNoun = cli.commandNames.includes(noun);
  // a noun left out of the manifest keeps the slow path for its help
  if (!file || (isNoun && !Object.hasOwn(verified, noun))) continue;
  const shown = await render(args, fromVerified);
  if (shown.exitCode !== 0 || shown.stderr || shown.stdout.includes('\x1b')) {
    notWritten.push(args.join(' '));
    continue;
  }
  const from = isNoun ? `${noun} ${verified[noun].stamp}` : '- -';
  const header = fast.screenHeader(fast.HELP_SCREENS_FORMAT, version, shellSize, from);
  writeFileSync(`${screens}${file}`, `${header}\n${shown.stdout}`);
  written++;
}

// completion: the trees the shell builds, then every TAB above answered both ways, byte for byte
const trees = cli.describeCompletion(fromVerified);
const completion = {
  format: fast.HELP_SCREENS_FORMAT,
  version,
  shellSize,
  root: trees.root,
  nouns: Object.fromEntries(
    Object.entries(trees.nouns).map(([noun, root]) => [noun, { stamp: verified[noun].stamp, root }]),
  ),
  slow: cli.commandNames.filter((noun) => !Object.hasOwn(verified, noun)),
};
writeFileSync(`${screens}complete.json`, JSON.stringify(completion));
const tabs = [
  ['__complete', ''],
  ['__complete', 'mi'],
  ['__complete', '--'],
  ['__complete', '--output', ''],
  ['__complete', '--env', 'x', 'migrate', ''],
  ['__complete', 'nope', 'migrate', ''],
  ['__complete', 'completion', ''],
  ...Object.values(verified)
    .flatMap(({ commands }) => commands.flatMap((spec) => requestsFor(spec, [])))
    .filter((args) => args[0] === '__complete'),
];
let tabDiffers;
for (const args of tabs) {
  let text = '';
  const answered = fast.answerFromScreens(['node', 'medicalcor', ...args], {
    dist,
    version,
    stdoutIsTTY: () => false,
    write: (s) => void (text += s),
  });
  const shell = await render(args, fromVerified);
  if (!answered || text !== shell.stdout || shell.exitCode !== 0) {
    tabDiffers = args.join(' ');
    break;
  }
}
if (tabDiffers) {
  rmSync(`${screens}complete.json`);
  process.stderr.write(`build-help: no precomputed completion: "medicalcor ${tabDiffers}" differs from the shell\n`);
}
if (stdoutTTY) Object.defineProperty(process.stdout, 'isTTY', stdoutTTY);
else delete process.stdout.isTTY;
for (const request of notWritten)
  process.stderr.write(`build-help: no screen for "medicalcor ${request}" (not plain help)\n`);
process.stdout.write(
  `build-help: dist/help/ holds ${written} help screens${tabDiffers ? '' : ' and the completion trees'}\n`,
);
