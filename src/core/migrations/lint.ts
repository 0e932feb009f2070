import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { invalidInput, unavailable } from '../errors.js';
import { platformBinary } from './dbmate.js';
import { checkFiles } from './file-rules.js';
import type { MigrationsDir } from './files.js';
import type { Finding } from './findings.js';

/**
 * squawk rules that mean an up-migration can lock or break a live table: errors. squawk's other
 * rules (style, timeouts, robustness) stay warnings.
 */
const DANGEROUS_RULES = new Set([
  'syntax-error',
  'adding-field-with-default',
  'adding-foreign-key-constraint',
  'adding-not-nullable-field',
  'adding-required-field',
  'adding-serial-primary-key-field',
  'ban-alter-domain-with-add-constraint',
  'ban-concurrent-index-creation-in-transaction',
  'ban-drop-column',
  'ban-drop-database',
  'ban-drop-not-null',
  'ban-drop-table',
  'ban-truncate-cascade',
  'changing-column-type',
  'constraint-missing-not-valid',
  'disallowed-unique-constraint',
  'renaming-column',
  'renaming-table',
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'transaction-nesting',
]);

async function squawkReportSchema() {
  const { z } = await import('zod');
  return z.array(
    z.object({
      file: z.string(),
      line: z.number(),
      column: z.number(),
      level: z.string(),
      message: z.string(),
      help: z.string().nullable().optional(),
      rule_name: z.string(),
    }),
  );
}

const squawkBinary = () => platformBinary('@squawk-cli', 'squawk');

/**
 * squawk lints whole files, and a dbmate file's down section would be linted as if it ran on
 * the way up: each up section is written alone to a scratch file, linted in one squawk run,
 * and squawk's 0-based lines are mapped back to the migration file.
 */
async function squawkFindings(dir: MigrationsDir, cwd: string, pgVersion: string): Promise<Finding[]> {
  const withUp = dir.files.filter((f) => f.up && f.up.sql.trim() !== '');
  if (withUp.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'medicalcor-lint-'));
  try {
    const byScratch = new Map(withUp.map((f, i) => [join(scratch, `${i}.sql`), f]));
    for (const [path, f] of byScratch) writeFileSync(path, f.up!.sql);
    const configArgs = ['--assume-in-transaction', '--pg-version', pgVersion, '--reporter', 'json'];
    const [{ execa }, squawkReport] = await Promise.all([import('execa'), squawkReportSchema()]);
    const result = await execa(squawkBinary(), [...configArgs, ...byScratch.keys()], {
      reject: false,
      stdin: 'ignore',
    });
    const parsed = squawkReport.safeParse(JSON.parse(result.stdout || '[]'));
    if (!parsed.success) {
      throw unavailable(`squawk returned an unexpected report: ${result.stderr || result.stdout.slice(0, 200)}`, {
        code: 'migrate.squawk-report',
      });
    }
    return parsed.data.map((v) => {
      const file = byScratch.get(v.file) ?? byScratch.get(join(scratch, v.file.split('/').at(-1)!))!;
      return {
        code: v.rule_name,
        severity: DANGEROUS_RULES.has(v.rule_name) ? 'error' : 'warning',
        file: relative(cwd, file.path) || file.path,
        line: file.up!.startLine + v.line,
        version: file.version,
        message: v.message,
        hint: v.help ?? undefined,
      } satisfies Finding;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface LintOptions {
  /** the PostgreSQL major version the migrations will run on (squawk's rules depend on it) */
  pgVersion?: number;
  /** lint only these file names (e.g. those changed since a git ref); every file when absent */
  only?: ReadonlySet<string>;
}

/** squawk on the up sections plus the dbmate file rules, ordered by file and line. */
export async function lintMigrations(dir: MigrationsDir, cwd: string, options: LintOptions = {}): Promise<Finding[]> {
  const pgVersion = options.pgVersion ?? 15;
  if (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 30) {
    throw invalidInput(`PostgreSQL version "${options.pgVersion}" is not a major version such as 15.`, {
      code: 'migrate.bad-pg-version',
    });
  }
  const only = options.only;
  const scoped: MigrationsDir = only
    ? {
        ...dir,
        files: dir.files.filter((f) => only.has(f.filename)),
        misnamed: dir.misnamed.filter((n) => only.has(n)),
      }
    : dir;
  const versions = new Set(scoped.files.map((f) => f.version));
  // the file rules see every file (a duplicate version needs both), but report only on the scoped ones
  const fileFindings = checkFiles(dir, cwd).filter(
    (f) => !only || (f.version ? versions.has(f.version) : scoped.misnamed.some((n) => f.file?.endsWith(n))),
  );
  const findings = [...fileFindings, ...(await squawkFindings(scoped, cwd, String(pgVersion)))];
  return findings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}

/**
 * The migration file names in `dir` changed since the git ref `ref` (committed, staged or in the
 * working tree) plus new untracked ones: what a pull request adds or edits. git runs with an
 * argv array, never a shell.
 */
export async function changedMigrationFiles(dir: string, ref: string): Promise<Set<string>> {
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) {
    throw invalidInput(`"${ref}" is not a git ref.`, { code: 'migrate.bad-ref', facts: { ref } });
  }
  const { execa } = await import('execa');
  const git = (args: string[]) => execa('git', ['-C', dir, ...args], { reject: false, stdin: 'ignore' });
  const diff = await git(['diff', '--name-only', '--relative', '--no-renames', '--diff-filter=d', ref, '--', '.']);
  if (diff.exitCode !== 0) {
    const reason =
      String(diff.stderr || diff.stdout)
        .split('\n')
        .find((l) => l.trim()) ?? 'git failed';
    throw invalidInput(`Cannot list the migrations changed since "${ref}": ${reason.replace(/^fatal: /, '')}`, {
      code: 'migrate.bad-ref',
      facts: { ref },
      remedy: 'Give a ref that exists in this repository (fetch it first in a shallow CI checkout).',
    });
  }
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '--', '.']);
  const names = `${diff.stdout}\n${untracked.exitCode === 0 ? untracked.stdout : ''}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith('.sql') && !l.includes('/'));
  return new Set(names);
}
