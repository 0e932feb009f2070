import { referencedNames } from '../template.js';

/**
 * A parameter is only ever one argv element, so `[rm, '{{file}}']` cannot run a second command.
 * Inside the code an interpreter runs (`sh -c CODE`, `node -e CODE`, `psql -c SQL` …) a value
 * becomes code: `x"; rm -rf /; "` would run. Such placements are refused at load time, with
 * the safe form: the code reads the value as a positional argument.
 */

interface Interpreter {
  /** flags whose next argv element is code */
  codeFlags: string[];
  /** single-letter flags may be bundled (`sh -ec`, `bash -lc`) */
  bundles?: boolean;
  /** how the code reads a positional argument instead */
  safe: (name: string) => string;
}

const shell: Interpreter = { codeFlags: ['-c'], bundles: true, safe: (n) => `[sh, -c, 'echo "$1"', _, '{{${n}}}']` };
const js: Interpreter = {
  codeFlags: ['-e', '--eval', '-p', '--print'],
  safe: (n) => `[node, -e, 'console.log(process.argv[1])', '{{${n}}}']`,
};
const python: Interpreter = {
  codeFlags: ['-c'],
  safe: (n) => `[python3, -c, 'import sys; print(sys.argv[1])', '{{${n}}}']`,
};
const perlLike = (program: string): Interpreter => ({
  codeFlags: ['-e', '-E'],
  safe: (n) => `[${program}, -e, 'print $ARGV[0]', '{{${n}}}']`,
});
const sqlClient: Interpreter = {
  codeFlags: ['-c', '--command', '-e', '--execute'],
  safe: (n) =>
    `a sql step with the value as a parameter: { kind: sql, sql: 'select … where x = $1', params: ['{{${n}}}'] }`,
};

const INTERPRETERS: Record<string, Interpreter> = {
  sh: shell,
  bash: shell,
  zsh: shell,
  dash: shell,
  ksh: shell,
  ash: shell,
  fish: shell,
  busybox: shell,
  node: js,
  nodejs: js,
  bun: js,
  deno: js,
  python: python,
  python2: python,
  python3: python,
  perl: perlLike('perl'),
  ruby: perlLike('ruby'),
  lua: perlLike('lua'),
  php: { codeFlags: ['-r'], safe: (n) => `[php, -r, 'echo $argv[1];', '{{${n}}}']` },
  pwsh: { codeFlags: ['-c', '-command', '-Command'], safe: (n) => `[pwsh, -c, 'Write-Output $args[0]', '{{${n}}}']` },
  Rscript: { codeFlags: ['-e'], safe: (n) => `[Rscript, -e, 'cat(commandArgs(TRUE)[1])', '{{${n}}}']` },
  osascript: {
    codeFlags: ['-e'],
    safe: (n) => `[osascript, -e, 'on run argv', -e, 'return item 1 of argv', -e, 'end run', '{{${n}}}']`,
  },
  psql: sqlClient,
  mysql: sqlClient,
  mariadb: sqlClient,
  'redis-cli': { codeFlags: ['--eval'], safe: (n) => `a redis step: [EVAL, SCRIPT, 0, '{{${n}}}']` },
};

function isCodeFlag(interpreter: Interpreter, arg: string): boolean {
  if (interpreter.codeFlags.includes(arg)) return true;
  // `sh -ec 'code'`, `bash -lc 'code'`: bundled single-letter flags ending in the code flag
  return (
    Boolean(interpreter.bundles) &&
    /^-[a-zA-Z]+$/.test(arg) &&
    arg.length > 2 &&
    arg.endsWith('c') &&
    !arg.startsWith('--')
  );
}

const programName = (arg: string) => arg.split('/').pop() ?? arg;

export interface InjectionIssue {
  /** argv index of the element holding the value */
  index: number;
  message: string;
}

/** Every argv element where a {{value}} would be run as code, with the safe form to use instead. */
export function shellInjectionIssues(argv: readonly string[]): InjectionIssue[] {
  const issues: InjectionIssue[] = [];
  if (argv[0] !== undefined && referencedNames(argv[0]).length) {
    issues.push({ index: 0, message: 'the program to run may not come from a value: name it in the runbook' });
  }
  // wrappers (env, sudo, nice, timeout …) put the interpreter further along: every element is looked at
  argv.forEach((arg, at) => {
    const interpreter = Object.hasOwn(INTERPRETERS, programName(arg)) ? INTERPRETERS[programName(arg)]! : undefined;
    if (!interpreter) return;
    // the interpreter's own options come before its first operand (a script file ends the search)
    for (let i = at + 1; i < argv.length - 1 && /^[-+]/.test(argv[i]!); i++) {
      if (/^[-+][oO]$/.test(argv[i]!)) {
        i++; // sh -o pipefail: an option with a value
        continue;
      }
      if (!isCodeFlag(interpreter, argv[i]!)) continue;
      const code = argv[i + 1]!;
      const names = referencedNames(code);
      for (const name of names) {
        issues.push({
          index: i + 1,
          message:
            `{{${name}}} is inside the code that ${programName(arg)} ${argv[i]} runs, where a value becomes code ` +
            `(a value such as 'x; rm -rf ~' would run); pass it as an argument the code reads instead: ` +
            `${interpreter.safe(name)}`,
        });
      }
      break;
    }
  });
  return issues;
}
