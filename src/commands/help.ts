import type { Command } from 'commander';
import { DOCS_PAGE, EXAMPLES, EXTRA_EXIT_CODES } from './examples.js';

/** "migrate up" for `medicalcor migrate up`; '' for the program itself. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const EXIT_MEANING: Record<number, string> = {
  0: 'done, nothing found wrong',
  1: 'operational error (cannot connect, permission denied, a step failed)',
  2: 'usage error (unknown flag, bad argument, invalid file, -o format not offered)',
  3: 'the command worked and found a problem',
  4: 'partial: some sources could not be reached; what could be read is shown',
  130: 'interrupted (Ctrl-C)',
};

/** What a command's own help text (addHelpText 'after') says, to avoid saying it twice. */
function ownHelpText(command: Command): string {
  let text = '';
  const context = { error: false, command, write: (s: string) => void (text += s) };
  for (const listener of listenersOf(command, 'afterHelp')) listener(context);
  return text;
}

/** commander's Command is an EventEmitter at runtime; its typings do not say so. */
function listenersOf(command: object, event: string): ((context: unknown) => void)[] {
  return 'listeners' in command && typeof command.listeners === 'function' ? command.listeners(event) : [];
}

function extraCodes(path: string): readonly number[] {
  const noun = path.split(' ')[0] ?? '';
  return EXTRA_EXIT_CODES[path] ?? EXTRA_EXIT_CODES[noun] ?? [];
}

/** The lines every help screen ends with: examples (when the command has none), exit codes, docs. */
export function helpFooter(command: Command): string {
  const path = commandPath(command);
  if (!path) {
    return [
      '',
      'Examples:',
      '  medicalcor demo                       # the embedded database with the MedicalCor schema, a trace, readiness',
      '  medicalcor migrate status --env staging',
      '  medicalcor check -o json',
      '',
      'Exit codes: 0 ok, 1 operational error, 2 usage error, 3 problem found, 4 partial, 130 interrupted.',
      'Learn more: README.md and docs/<command>.md (e.g. docs/migrate.md); "medicalcor <command> --help".',
      '',
    ].join('\n');
  }
  const own = ownHelpText(command);
  const lines: string[] = [];
  const examples = EXAMPLES[path];
  if (!/^Examples:/m.test(own) && examples?.length) lines.push('', 'Examples:', ...examples.map((e) => `  ${e}`));
  if (!/^Exit codes:/m.test(own)) {
    const codes = [0, 1, 2, ...extraCodes(path), 130];
    lines.push('', 'Exit codes:', ...codes.map((code) => `  ${String(code).padEnd(4)}${EXIT_MEANING[code]}`));
  }
  const noun = path.split(' ')[0]!;
  lines.push('', `Learn more: ${DOCS_PAGE[noun] ?? `docs/${noun}.md`}`, '');
  return lines.join('\n');
}

/**
 * Applied once after the invoked command's module registered: every command and subcommand shows
 * the global options (-o, --env ...), its exit codes and its docs page, whoever wrote it.
 */
export function teachHelp(program: Command): void {
  const walk = (command: Command) => {
    command.configureHelp({ ...command.configureHelp(), showGlobalOptions: true });
    command.commands.forEach(walk);
  };
  walk(program);
  program.on('afterAllHelp', (context: { command: Command; write: (s: string) => void }) =>
    context.write(helpFooter(context.command)),
  );
}

/** Every command path registered under `program` (for the completion and the help tests). */
export function commandPaths(program: Command): string[] {
  const paths: string[] = [];
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      if (sub.name() === 'help') continue;
      paths.push(commandPath(sub));
      walk(sub);
    }
  };
  walk(program);
  return paths;
}
