import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const core = sources(join(repoRoot, 'src', 'core'));

/**
 * Files allowed to name medicalcor commands or be a process: the watcher is its own program (it
 * reads its argv and exits); generated rule annotations and fix-SQL headers tell the reader which
 * command made them or answers them (issue 16 asks for the command in the alert's annotation).
 */
const ALLOWED: Record<string, string> = {
  'src/core/migrations/child.ts': 'the dbmate watcher is a process entry point',
  'src/core/sla/rules.ts': 'alert annotations name the medicalcor command to run',
  'src/core/schema/fix-sql.ts': 'the generated script says which command printed it',
};

/** The code without comments: a flag named in a doc comment is documentation, not a message. */
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line))
    .map((line) => line.replace(/\s\/\/ .*$/, ''))
    .join('\n');
const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]!);

describe('the library is the library', () => {
  it('no file in src/core imports the command layer or the terminal helpers', () => {
    const offenders = core.flatMap((file) =>
      imports(file)
        .filter(
          (spec) =>
            /(^|\/)(cli-kit|commands)(\/|$)/.test(spec) || spec === 'commander' || spec.startsWith('@inquirer/'),
        )
        .map((spec) => `${relative(repoRoot, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no file in src/core reads argv, sets an exit code or names a CLI flag in a message', () => {
    const offenders = core.flatMap((file) => {
      if (ALLOWED[relative(repoRoot, file)]) return [];
      const text = code(file);
      const found: string[] = [];
      if (/^[^'"`\n]*process\.argv/m.test(text)) found.push('reads process.argv');
      if (/process\.exit\(|process\.exitCode\s*=/.test(text)) found.push('sets an exit code');
      // a flag inside a string literal shown to people: "pass --yes", `use --lock-timeout`
      for (const m of text.matchAll(/(['"`])[^'"`\n]*\s--[a-z][a-z-]+[^'"`\n]*\1/g)) {
        if (!/dbmate|squawk|psql|pg_|promtool|git |npm |sslmode/.test(m[0]))
          found.push(`names a flag: ${m[0].slice(0, 80)}`);
      }
      return found.map((f) => `${relative(repoRoot, file)} ${f}`);
    });
    expect(offenders).toEqual([]);
  });
});
