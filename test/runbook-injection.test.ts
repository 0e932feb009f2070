/**
 * Injection-proof by construction: a value inside the code an interpreter runs is refused when
 * the runbook is loaded (and by `runbook validate`), with the safe positional form in the error.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook, RunbookFileError } from '../src/core/runbook/index.js';
import { shellInjectionIssues } from '../src/core/runbook/steps/shell-injection.js';
import { runInProcess } from './helpers/in-process.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runbookWith = (command: string) => `
id: inject
title: Injection
parameters: [{ name: v }]
steps:
  - { id: say, kind: shell, mutates: false, command: ${command} }
`;

function issuesOf(command: string): string[] {
  try {
    parseRunbook(runbookWith(command), 'inject.yaml');
    return [];
  } catch (error) {
    if (error instanceof RunbookFileError) return error.issues.map((i) => `${i.field}: ${i.message}`);
    throw error;
  }
}

describe('a value inside interpreter code', () => {
  const refused: [string, string][] = [
    [`[sh, -c, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[bash, -c, 'echo "{{v}}"']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[zsh, -c, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[/bin/bash, -lc, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[bash, -o, pipefail, -ec, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[env, FOO=1, sh, -c, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[sudo, -u, ops, sh, -c, 'echo {{v}}']`, `[sh, -c, 'echo "$1"', _, '{{v}}']`],
    [`[node, -e, 'console.log("{{v}}")']`, `[node, -e, 'console.log(process.argv[1])', '{{v}}']`],
    [`[node, --eval, 'console.log("{{v}}")']`, `[node, -e, 'console.log(process.argv[1])', '{{v}}']`],
    [`[python3, -c, 'print("{{v}}")']`, `[python3, -c, 'import sys; print(sys.argv[1])', '{{v}}']`],
    [`[perl, -e, 'print "{{v}}"']`, `[perl, -e, 'print $ARGV[0]', '{{v}}']`],
    [`[ruby, -e, 'puts "{{v}}"']`, `[ruby, -e, 'print $ARGV[0]', '{{v}}']`],
    [`[psql, -c, "select '{{v}}'"]`, `a sql step with the value as a parameter`],
    [`[psql, --command, "select '{{v}}'"]`, `a sql step with the value as a parameter`],
  ];
  for (const [command, safe] of refused) {
    it(`refuses ${command}`, () => {
      const issues = issuesOf(command);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^command\[\d+\]: \{\{v\}\} is inside the code that /);
      expect(issues[0]).toContain(safe);
    });
  }

  const accepted = [
    `[sh, -c, 'echo "$1"', _, '{{v}}']`,
    `[bash, -c, 'printf "%s\\n" "$@"', _, '{{v}}', '{{v}}']`,
    `[node, -e, 'console.log(process.argv[1])', '{{v}}']`,
    `[python3, -c, 'import sys; print(sys.argv[1])', '{{v}}']`,
    `[echo, '{{v}}']`,
    `[sh, ./script.sh, -c, '{{v}}']`,
    `[psql, -v, 'x={{v}}', -f, query.sql]`,
    `[kubectl, get, pod, -l, 'app={{v}}']`,
  ];
  for (const command of accepted) {
    it(`accepts ${command}`, () => expect(issuesOf(command)).toEqual([]));
  }

  it('a program name from a value is refused', () => {
    expect(shellInjectionIssues(['{{v}}', 'x'])[0]?.message).toContain('the program to run may not come from a value');
  });

  it('rollback and verify commands are checked too, and `runbook validate` exits 2 showing the safe form', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-inject-'));
    writeFileSync(
      join(dir, 'inject.yaml'),
      `
id: inject
title: Injection
parameters: [{ name: v }]
steps:
  - id: change
    kind: shell
    mutates: true
    command: [echo, '{{v}}']
    rollback: { kind: shell, command: [bash, -c, 'undo {{v}}'] }
    verify: { kind: shell, command: [node, -e, 'process.exit("{{v}}" ? 0 : 1)'] }
`,
    );
    const result = await runInProcess(['runbook', 'validate', 'inject.yaml'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'inject.yaml: step 1 "change", field "rollback.command[2]": {{v}} is inside the code that bash -c runs',
    );
    expect(result.stderr).toContain(
      'inject.yaml: step 1 "change", field "verify.command[2]": {{v}} is inside the code that node -e runs',
    );
    expect(result.stderr).toContain(`[sh, -c, 'echo "$1"', _, '{{v}}']`);
  });
});
