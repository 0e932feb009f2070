import { existsSync } from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CommandContext, GlobalOptions, Streams } from './commands/context.js';
import { commandManifest, type CommandModule } from './commands/index.js';
import { isCliError, usageError, withoutTypedNames } from './cli-kit/errors.js';
import { ExitCode } from './cli-kit/exit-codes.js';
import { isDomainError } from './core/errors.js';
import { redactSecrets } from './core/redact.js';
import { exitCodeOfError, hintFor } from './commands/errors.js';
import { teachHelp } from './commands/help.js';
import {
  describeCommand,
  HELP_MANIFEST_FORMAT,
  manifestIn,
  rebuildCommand,
  stampOf,
  UnsupportedHelp,
  type CommandSpec,
} from './commands/help-manifest.js';
import { asksForHelp } from './commands/help-request.js';
import {
  completeWords,
  completionScript,
  COMPLETION_SHELLS,
  type CompletionNode,
  type CompletionShell,
} from './cli-kit/completion.js';

/** package.json's version, put in at build time (tsup `define`) */
declare const CLI_VERSION: string;

type ContextModule = typeof import('./commands/context.js');

/**
 * The shell (this file, commander) is CommonJS so a start pays no ESM loader set-up; commands
 * are ES modules in dist/commands/, imported by a computed path that the bundler leaves alone.
 */
function loadModule<T>(name: string): Promise<T> {
  // in-process tests load from source, where vitest.config.ts maps a noun folder to this path too
  const specifier = `./commands/${name}.js`;
  return import(specifier) as Promise<T>;
}

/** Commands also built as one CommonJS file carrying its own context module (tsup.config.ts). */
const COMMONJS_COMMANDS: readonly string[] = ['trace'];

/**
 * Such a command is required whole from dist/commands/<name>.cjs: one file to read and compile, no
 * ES module loader. Only from the built shell (CommonJS); in-process tests import the sources.
 */
function requireCommonJsCommand(name: string): (CommandModule & { context: ContextModule }) | undefined {
  if (!COMMONJS_COMMANDS.includes(name) || typeof require !== 'function' || typeof __dirname !== 'string') return;
  const file = `${__dirname}/commands/${name}.cjs`;
  return existsSync(file) ? (require(file) as CommandModule & { context: ContextModule }) : undefined;
}

/** The command named in argv: the first word that is neither an option nor a global option's value. */
function invokedCommand(program: Command, args: readonly string[]): string | undefined {
  const takesValue = new Set(
    program.options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.short, o.long])
      .filter(Boolean),
  );
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

function buildProgram(): Command {
  return new Command('medicalcor')
    .description(
      'Operator CLI of the MedicalCor platform: migrations, schema drift, journey traces, runbooks, breakers, ' +
        'budgets, SLAs and readiness.',
    )
    .version(CLI_VERSION, '-V, --version')
    .option(
      '--env <name>',
      'environment from medicalcor.config.yaml (or MEDICALCOR_ENV; --yes on production needs --env itself)',
    )
    .option('--config <file>', 'configuration file (default: ./medicalcor.config.yaml, then ~/.config/medicalcor/)')
    .option(
      '--database-url <url>',
      'database URL, overriding the environment (or MEDICALCOR_DATABASE_URL, then DATABASE_URL)',
    )
    .option('--incident <id>', 'record every action of this run on the incident (or MEDICALCOR_INCIDENT)')
    .option('--migrations-dir <dir>', 'migrations directory (default: the MedicalCor schema shipped with the CLI)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml', 'github']))
    .option('--no-color', 'no colour (also NO_COLOR=1, or when output is not a terminal)')
    .option('--progress', 'one line per phase on stderr when it is not a terminal (a terminal gets a spinner)')
    .option('--debug', 'show stack traces of errors')
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .exitOverride();
}

/** Commands the shell itself implements (no module of their own). */
const BUILTINS = [{ name: 'completion', summary: 'Print the shell completion script for bash, zsh or fish' }];

function registerCompletion(program: Command, streams: Streams): void {
  program
    .command('completion')
    .description('print the completion script for bash, zsh or fish (it asks medicalcor for candidates as you type)')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      const output = program.opts<GlobalOptions>().output;
      if (output && output !== 'table')
        throw usageError(`--output ${output} is not supported here.`, 'The completion script is shell code: omit -o.');
      streams.stdout.write(completionScript(shell));
    });
}

function completionTree(command: Command): CompletionNode {
  return {
    name: command.name(),
    subcommands: command.commands.filter((c) => c.name() !== 'help').map(completionTree),
    options: command.options.map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      takesValue: o.required || o.optional,
      choices: o.argChoices,
    })),
  };
}

/**
 * The command whose help a bare invocation asks for: the program (no command at all) or a noun with
 * verbs named without one (`medicalcor migrate`), when nothing else is on the line but global options.
 */
function onlyAGroup(program: Command, args: readonly string[]): Command | undefined {
  const takesValue = new Set(
    program.options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.short, o.long])
      .filter(Boolean),
  );
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (takesValue.has(arg)) i++;
    else if (arg.startsWith('-')) {
      if (
        !program.options.some((o) => o.long === arg.split('=')[0] || o.short === arg) ||
        arg === '-V' ||
        arg === '--version'
      )
        return undefined;
    } else words.push(arg);
  }
  let command = program;
  for (const word of words) {
    const sub = command.commands.find((c) => c.name() === word);
    if (!sub) return undefined;
    command = sub;
  }
  return command.commands.length ? command : undefined;
}

/** Edit distance, for "did you mean": the nearest command name to a typo. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export function nearestCommand(typo: string, names: readonly string[]): string | undefined {
  const ranked = names
    .map((name) => ({ name, d: name.startsWith(typo) ? 0 : distance(typo, name) }))
    .sort((x, y) => x.d - y.d);
  const best = ranked[0];
  return best && best.d <= Math.max(2, Math.floor(typo.length / 3)) ? best.name : undefined;
}

export interface RunOptions {
  /**
   * The help manifest (dist/help.json): a noun's commands as data, when fresh. With it, a help or
   * completion request rebuilds the noun's tree instead of importing its module.
   */
  helpManifest?: (noun: string) => CommandSpec[] | undefined;
}

/** `help migrate up` asks for what `migrate up --help` prints (commander alone would show `migrate`'s help). */
function helpAsFlag(args: readonly string[]): readonly string[] {
  const [first, ...rest] = args;
  const known = (name: string) => commandManifest.some((c) => c.name === name) || BUILTINS.some((b) => b.name === name);
  if (first !== 'help' || !rest.length || !known(rest[0]!) || rest.some((a) => a.startsWith('-'))) return args;
  return [...rest, '--help'];
}

/**
 * Runs the CLI and returns its exit code. Streams, environment and working directory are passed
 * in so tests can run commands in-process; bin/medicalcor passes the real ones.
 */
export async function runCli(argv: readonly string[], streams: Streams, options: RunOptions = {}): Promise<number> {
  const program = buildProgram();
  // commander's error quotes argv ("argument 'ion@example.com' is invalid"): held, and printed masked
  let usageMessage = '';
  program.configureOutput({
    writeOut: (s) => void streams.stdout.write(s),
    writeErr: (s) => void streams.stderr.write(s),
    outputError: (s) => void (usageMessage += s),
  });

  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) process.exit(ExitCode.Interrupted);
    abort.abort();
  };
  // Ctrl-C, a CI job's SIGTERM and a closed terminal's SIGHUP all stop the work the same way
  const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of stopSignals) process.on(signal, onSigint);
  const detach = () => {
    for (const signal of stopSignals) process.off(signal, onSigint);
  };

  let context: CommandContext | undefined;
  let contextModule: ContextModule | undefined;
  const ctx = () => (context ??= contextModule!.makeContext(streams, program.opts<GlobalOptions>(), abort.signal));

  const completing = argv[2] === '__complete';
  const args = completing ? argv.slice(3) : helpAsFlag(argv.slice(2));
  if (!completing) argv = [...argv.slice(0, 2), ...args];
  const name = invokedCommand(program, completing ? args.slice(0, -1) : args);
  for (const entry of commandManifest) {
    const specs = entry.name === name ? options.helpManifest?.(entry.name) : undefined;
    if (specs && (completing || asksForHelp(program, specs, args))) {
      // the fast path: help and completion from the manifest, the module stays unloaded
      for (const spec of specs) rebuildCommand(program, spec);
    } else if (entry.name === name) {
      const bundled = requireCommonJsCommand(entry.name);
      const [command, context] = bundled
        ? [bundled, bundled.context]
        : await Promise.all([loadModule<CommandModule>(entry.name), loadModule<ContextModule>('context')]);
      contextModule = context;
      command.register(program, ctx);
    } else {
      program.command(entry.name).description(entry.summary).allowUnknownOption().allowExcessArguments();
    }
  }
  for (const builtin of BUILTINS) {
    if (builtin.name === name || completing) registerCompletion(program, streams);
    else program.command(builtin.name).description(builtin.summary).allowUnknownOption().allowExcessArguments();
  }
  // every help screen, whoever registered the command: global options, examples, exit codes, docs
  teachHelp(program);

  if (completing) {
    for (const candidate of completeWords(completionTree(program), args.length ? args : ['']))
      streams.stdout.write(`${candidate}\n`);
    detach();
    return ExitCode.Ok;
  }
  // `medicalcor` (or `medicalcor migrate`) alone asks what there is: the help, on stdout, not an error
  const asked = onlyAGroup(program, args);
  if (asked) {
    asked.outputHelp();
    detach();
    return ExitCode.Ok;
  }

  program.hook('preAction', async (_program, action) => {
    await contextModule?.prepareConfig(streams, program.opts<GlobalOptions>());
    const path = [action.parent?.name(), action.name()].filter((n) => n && n !== 'medicalcor').join(' ');
    if (contextModule && name !== 'incident') await contextModule.verifyActiveIncident(ctx(), path);
  });

  try {
    await program.parseAsync(argv as string[]);
    // a command that printed for people under -o json never asked for the format: refused, exit 2
    context?.settleOutput?.();
    return abort.signal.aborted ? ExitCode.Interrupted : (context?.exitCode ?? ExitCode.Ok);
  } catch (error) {
    // the mask comes with a command's context module; a usage error before one loaded loads it now
    const redact =
      contextModule?.redactLine ?? (usageMessage ? (await loadModule<ContextModule>('context')).redactLine : undefined);
    if (usageMessage) {
      const message = withoutTypedNames(usageMessage.trimEnd());
      streams.stderr.write(`${redact!(message, context?.io.secrets ?? [])}\n`);
    }
    return reportError(error, streams, context, argv.includes('--debug'), name, program, redact);
  } finally {
    await context?.systems.close();
    detach();
  }
}

function reportError(
  error: unknown,
  streams: Streams,
  context: CommandContext | undefined,
  debug: boolean,
  command?: string,
  program?: Command,
  // secrets and patient data (core/redact's redactLine, from the context module), or secrets alone
  redact: (text: string, secrets: readonly string[]) => string = redactSecrets,
): number {
  const secrets = context?.io.secrets ?? [];
  const say = (text: string) => streams.stderr.write(`${redact(text, secrets)}\n`);
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return ExitCode.Ok;
    // its message is printed already (masked, by runCli); usage errors are exit 2, not commander's 1
    const known = program?.commands.map((c) => c.name()) ?? [];
    // an unknown top-level command: point at the command meant, not at the typo
    const meant = command && !known.includes(command) ? nearestCommand(command, known) : command;
    say(`hint: run "medicalcor${meant ? ` ${meant}` : ''} --help" for usage.`);
    return ExitCode.Usage;
  }
  if (isCliError(error)) {
    say(`error: ${error.message}`);
    if (error.hint) say(`hint: ${error.hint}`);
    if (debug && error.cause instanceof Error && error.cause.stack) say(error.cause.stack);
    return error.exitCode;
  }
  if (isDomainError(error)) {
    say(`error: ${error.message}`);
    const hint = hintFor(error);
    if (hint) say(`hint: ${hint}`);
    if (debug && error.stack) say(error.stack);
    return exitCodeOfError(error);
  }
  // Ctrl-C at a prompt (inquirer) or during aborted work is an ordinary user action, not a bug
  if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortError') {
    say('Interrupted: nothing was done.');
    return ExitCode.Interrupted;
  }
  const err = error as Error;
  say(`error: ${err?.message ?? String(error)}`);
  say(debug && err?.stack ? err.stack : 'hint: this is unexpected; run again with --debug for details and report it.');
  return ExitCode.Operational;
}

/**
 * For scripts/build-help.mjs: every noun's commands as data, taken from its module registered on
 * the program as runCli registers it; a noun the data cannot describe is left out (slow path).
 */
export async function describeNouns(): Promise<{ nouns: Record<string, CommandSpec[]>; skipped: string[] }> {
  const nouns: Record<string, CommandSpec[]> = {};
  const skipped: string[] = [];
  for (const entry of commandManifest) {
    const program = buildProgram();
    const before = new Set(program.commands);
    const globals = program.options.length;
    const module = await loadModule<CommandModule>(entry.name);
    module.register(program, () => {
      throw new Error('describing the help of a command runs none');
    });
    teachHelp(program);
    const added = program.commands.filter((c) => !before.has(c));
    const visible = program.createHelp().visibleCommands(program);
    try {
      if (program.options.length !== globals) throw new UnsupportedHelp(`${entry.name} adds global options`);
      nouns[entry.name] = added.map((command) => describeCommand(command, !visible.includes(command)));
    } catch (error) {
      if (!(error instanceof UnsupportedHelp)) throw error;
      skipped.push(`${entry.name}: ${error.message}`);
    }
  }
  return { nouns, skipped };
}

/**
 * For scripts/build-help.mjs: the completion tree exactly as runCli builds it for a TAB, with no
 * noun on the line (root) and with each noun of the manifest on it (that noun rebuilt, the others
 * named only), so dist/help-fast.cjs can answer a TAB without the shell.
 */
export function describeCompletion(helpManifest: (noun: string) => CommandSpec[] | undefined): {
  root: CompletionNode;
  nouns: Record<string, CompletionNode>;
} {
  const streams = {} as Streams;
  const treeWith = (noun?: string) => {
    const program = buildProgram();
    for (const entry of commandManifest) {
      const specs = entry.name === noun ? helpManifest(entry.name) : undefined;
      if (specs) for (const spec of specs) rebuildCommand(program, spec);
      else program.command(entry.name).description(entry.summary).allowUnknownOption().allowExcessArguments();
    }
    registerCompletion(program, streams);
    teachHelp(program);
    return completionTree(program);
  };
  const nouns: Record<string, CompletionNode> = {};
  for (const entry of commandManifest) if (helpManifest(entry.name)) nouns[entry.name] = treeWith(entry.name);
  return { root: treeWith(), nouns };
}

export { stampOf };
/** The top-level commands with a module of their own (the nouns of dist/help.json). */
export const commandNames = commandManifest.map((c) => c.name);
/** What dist/help.json must say to be read by this build of the shell. */
export const helpManifestHeader = { format: HELP_MANIFEST_FORMAT, version: CLI_VERSION };

/** Entry point of bin/medicalcor. */
export async function main(argv: readonly string[]): Promise<void> {
  // `medicalcor … | head` closes the pipe early: that is the reader's choice, not a crash
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.Ok);
    throw error;
  });
  const code = await runCli(
    argv,
    {
      stdout: process.stdout,
      stderr: process.stderr,
      // process.stdin builds a stream handle on first use: only prompts need it, so not on every start
      get stdin() {
        return process.stdin;
      },
      env: process.env,
      cwd: process.cwd(),
    },
    { helpManifest: manifestIn(__dirname, CLI_VERSION) },
  );
  process.exitCode = code;
}
