import type { Command, Option } from 'commander';
import type { CommandSpec } from './help-manifest.js';

const flagsOf = (flags: string) => flags.split(/[ ,|]+/).filter((f) => f.startsWith('-'));

/** How a global option consumes the words after it; 'no' for what commander would not just parse. */
function globalOption(
  program: Command,
  option: Option,
  inline: string | undefined,
  next: string | undefined,
): 'flag' | 'value' | 'no' {
  if (option.attributeName() === Reflect.get(program, '_versionOptionName')) return 'no';
  if (!option.required && !option.optional) return inline === undefined ? 'flag' : 'no';
  const takesNext = inline === undefined && (option.required || (next !== undefined && !next.startsWith('-')));
  const value = inline ?? (takesNext ? next : undefined);
  if (option.required && value === undefined) return 'no';
  if (value !== undefined && option.argChoices && !option.argChoices.includes(value)) return 'no';
  return takesNext ? 'value' : 'flag';
}

/**
 * Whether commander, given `args` (the words after "medicalcor"), would do nothing but print the
 * help of a command that `specs` describe: the only runs the help manifest may answer. Accepted:
 * global options (anywhere, valid), then the path of a command, ending in its help flag (`-h`,
 * `--help`), in `help [subcommand]`, or in nothing when the command has subcommands (a bare
 * group prints its help). Anything else (an argument, a verb's own option, `--`, `-V`) is left to
 * the slow path, where the real module parses it.
 */
export function asksForHelp(program: Command, specs: readonly CommandSpec[], args: readonly string[]): boolean {
  const path: CommandSpec[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const node = path.at(-1);
    if (arg === '--') return false;
    if (arg.length > 1 && arg.startsWith('-')) {
      const [flag, inline] =
        arg.startsWith('--') && arg.includes('=')
          ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
          : [arg, undefined];
      const option = program.options.find((o) => o.long === flag || o.short === flag);
      if (option) {
        const consumed = globalOption(program, option, inline, args[i + 1]);
        if (consumed === 'no') return false;
        if (consumed === 'value') i++;
        continue;
      }
      // otherwise it must be the help flag of the command reached, as the last word, taken by no option on the way
      if (i !== args.length - 1 || !node?.helpOption || !flagsOf(node.helpOption.flags).includes(arg)) return false;
      return !path.some((c) => c.options.some((o) => flagsOf(o.flags).includes(arg) || o.env));
    }
    if (node && arg === 'help' && node.helpCommand && !node.commands.some((c) => c.name === 'help')) {
      const rest = args.slice(i + 1);
      const named = rest.length === 1 && node.commands.some((c) => c.name === rest[0] || c.aliases.includes(rest[0]!));
      return (rest.length === 0 || named) && !path.some((c) => c.options.some((o) => o.env));
    }
    const child = (node ? node.commands : specs).find((c) => c.name === arg || c.aliases.includes(arg));
    if (!child) return false;
    path.push(child);
  }
  const reached = path.at(-1);
  return reached !== undefined && reached.commands.length > 0 && !path.some((c) => c.options.some((o) => o.env));
}
