import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, type Command, Option } from 'commander';
import { stampOf } from './help-stamp.js';

export { stampOf };

/**
 * The help manifest (dist/help.json, written by scripts/build-help.mjs after tsup): every noun's
 * commander tree as data, so that `medicalcor migrate up --help` and a TAB rebuild the tree in the
 * shell instead of importing the noun's module and the core code behind it. Commander itself still
 * renders the help from the rebuilt tree: the terminal width and the central footer (help.ts) are
 * applied at run time exactly as on the slow path.
 */
export const HELP_MANIFEST_FORMAT = 1;

type Json = string | number | boolean | null | Json[];

export interface ArgumentSpec {
  name: string;
  description: string;
  required: boolean;
  variadic: boolean;
  defaultValue?: Json;
  defaultValueDescription?: string;
  choices?: string[];
}

export interface OptionSpec {
  flags: string;
  description: string;
  defaultValue?: Json;
  defaultValueDescription?: string;
  choices?: string[];
  env?: string;
  hidden: boolean;
  mandatory: boolean;
  preset?: Json;
  helpGroup?: string;
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  summary?: string;
  usage: string;
  hidden: boolean;
  helpConfig: Record<string, string | number | boolean>;
  /** the help flag (`-h, --help`), null when the command has none */
  helpOption: { flags: string; description: string } | null;
  /** the implicit `help [command]` subcommand, null when the command has none */
  helpCommand: { term: string; description: string } | null;
  /** what addHelpText('before' | 'after') prints */
  before: string;
  after: string;
  arguments: ArgumentSpec[];
  options: OptionSpec[];
  commands: CommandSpec[];
}

export interface NounHelp {
  /** fingerprint of dist/commands/<noun>.js when the manifest was written: a rebuilt module makes it stale */
  stamp: string;
  commands: CommandSpec[];
}

export interface HelpManifest {
  format: number;
  version: string;
  nouns: Record<string, NounHelp>;
}

/** A command the manifest cannot describe faithfully: its noun keeps the slow path. */
export class UnsupportedHelp extends Error {}

/** commander keeps some state in fields its typings do not declare; read them without a cast. */
function privateField(object: object, key: string): unknown {
  return Reflect.get(object, key);
}

/** commander's Command is an EventEmitter at runtime; its typings do not say so. */
function listenersOf(command: object, event: string): ((context: unknown) => void)[] {
  return 'listeners' in command && typeof command.listeners === 'function' ? command.listeners(event) : [];
}

function isJson(value: unknown): value is Json {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every(isJson);
}

function json(value: unknown, what: string): Json | undefined {
  if (value === undefined) return undefined;
  if (!isJson(value)) throw new UnsupportedHelp(`${what} is not plain data`);
  return value;
}

/** What the command's listeners of a help event print (addHelpText writes `${text}\n`). */
function helpText(command: Command, event: string): string {
  let text = '';
  const context = { error: false, command, write: (s: string) => void (text += s) };
  for (const listener of listenersOf(command, event)) listener(context);
  return text;
}

function describeOption(option: Option, path: string): OptionSpec {
  return {
    flags: option.flags,
    description: option.description,
    defaultValue: json(option.defaultValue, `the default of ${path} ${option.flags}`),
    defaultValueDescription: option.defaultValueDescription,
    choices: option.argChoices,
    env: option.envVar,
    hidden: option.hidden,
    mandatory: option.mandatory,
    preset: json(option.presetArg, `the preset of ${path} ${option.flags}`),
    helpGroup: option.helpGroupHeading,
  };
}

function describeArgument(argument: Argument, path: string): ArgumentSpec {
  return {
    name: argument.name(),
    description: argument.description,
    required: argument.required,
    variadic: argument.variadic,
    defaultValue: json(argument.defaultValue, `the default of ${path} <${argument.name()}>`),
    defaultValueDescription: argument.defaultValueDescription,
    choices: argument.argChoices,
  };
}

/**
 * The data of `command` and its subcommands, as registered by its module. Throws UnsupportedHelp
 * for what a rebuilt tree would not reproduce (help hooks, default or executable subcommands ...).
 */
export function describeCommand(command: Command, hidden = false, path = command.name()): CommandSpec {
  for (const event of ['beforeAllHelp', 'afterAllHelp', '--help']) {
    if (listenersOf(command, event).length) throw new UnsupportedHelp(`${path} listens to ${event}`);
  }
  const hooks = privateField(command, '_lifeCycleHooks');
  if (hooks && typeof hooks === 'object' && Object.values(hooks).some((list) => Array.isArray(list) && list.length)) {
    throw new UnsupportedHelp(`${path} has life-cycle hooks`);
  }
  if (privateField(command, '_defaultCommandName') || privateField(command, '_executableHandler')) {
    throw new UnsupportedHelp(`${path} has a default or an executable subcommand`);
  }
  const helpConfig: CommandSpec['helpConfig'] = {};
  for (const [key, value] of Object.entries(command.configureHelp())) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UnsupportedHelp(`${path} configures help with ${key}()`);
    }
    helpConfig[key] = value;
  }
  const help = command.createHelp();
  const helpOption = help.visibleOptions(command).find((o) => !command.options.includes(o));
  const visible = help.visibleCommands(command);
  const helpCommand = visible.find((c) => !command.commands.includes(c));
  return {
    name: command.name(),
    aliases: command.aliases(),
    description: command.description(),
    summary: command.summary() || undefined,
    usage: command.usage(),
    hidden,
    helpConfig,
    helpOption: helpOption ? { flags: helpOption.flags, description: helpOption.description } : null,
    helpCommand: helpCommand
      ? { term: help.subcommandTerm(helpCommand), description: helpCommand.description() }
      : null,
    before: helpText(command, 'beforeHelp'),
    after: helpText(command, 'afterHelp'),
    arguments: command.registeredArguments.map((a) => describeArgument(a, path)),
    options: command.options.map((o) => describeOption(o, path)),
    commands: command.commands.map((c) => describeCommand(c, !visible.includes(c), `${path} ${c.name()}`)),
  };
}

function rebuildOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.defaultValue !== undefined || spec.defaultValueDescription !== undefined) {
    option.default(spec.defaultValue, spec.defaultValueDescription);
  }
  if (spec.choices) option.choices(spec.choices);
  if (spec.env) option.env(spec.env);
  if (spec.preset !== undefined) option.preset(spec.preset);
  if (spec.helpGroup !== undefined) option.helpGroupHeading = spec.helpGroup;
  return option.hideHelp(spec.hidden).makeOptionMandatory(spec.mandatory);
}

function rebuildArgument(spec: ArgumentSpec): Argument {
  const name = `${spec.name}${spec.variadic ? '...' : ''}`;
  const argument = new Argument(spec.required ? `<${name}>` : `[${name}]`, spec.description);
  if (spec.defaultValue !== undefined || spec.defaultValueDescription !== undefined) {
    argument.default(spec.defaultValue, spec.defaultValueDescription);
  }
  if (spec.choices) argument.choices(spec.choices);
  return argument;
}

/**
 * Registers on `parent` the command `spec` describes, with everything its help and its completion
 * show; it has no actions (the fast path only ever prints help or completion candidates).
 */
export function rebuildCommand(parent: Command, spec: CommandSpec): Command {
  const command = parent.command(spec.name, { hidden: spec.hidden }).description(spec.description);
  if (spec.summary !== undefined) command.summary(spec.summary);
  if (spec.aliases.length) command.aliases(spec.aliases);
  for (const argument of spec.arguments) command.addArgument(rebuildArgument(argument));
  for (const option of spec.options) command.addOption(rebuildOption(option));
  command.configureHelp(spec.helpConfig);
  if (spec.helpOption) command.helpOption(spec.helpOption.flags, spec.helpOption.description);
  else command.helpOption(false);
  const { before, after } = spec;
  if (before) command.on('beforeHelp', (context: { write: (s: string) => void }) => context.write(before));
  if (after) command.on('afterHelp', (context: { write: (s: string) => void }) => context.write(after));
  for (const sub of spec.commands) rebuildCommand(command, sub);
  if (spec.helpCommand) command.helpCommand(spec.helpCommand.term, spec.helpCommand.description);
  else command.helpCommand(false);
  return command.usage(spec.usage);
}

/**
 * The noun's entry of `<dir>/help.json`, when that manifest was written for this version of the
 * CLI from the module now at `<dir>/commands/<noun>.js`; undefined otherwise (the caller loads the
 * module). The file is read once per process.
 */
export function manifestIn(dir: string, version: string): (noun: string) => CommandSpec[] | undefined {
  let manifest: HelpManifest | undefined | null;
  return (noun) => {
    if (manifest === undefined) {
      try {
        const read = JSON.parse(readFileSync(join(dir, 'help.json'), 'utf8')) as HelpManifest;
        manifest = read.format === HELP_MANIFEST_FORMAT && read.version === version ? read : null;
      } catch {
        manifest = null;
      }
    }
    const entry = manifest && Object.hasOwn(manifest.nouns, noun) ? manifest.nouns[noun] : undefined;
    if (!entry) return undefined;
    try {
      return stampOf(readFileSync(join(dir, 'commands', `${noun}.js`))) === entry.stamp ? entry.commands : undefined;
    } catch {
      return undefined;
    }
  };
}
