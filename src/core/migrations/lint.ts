import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CliError } from '../../cli-kit/index.js';
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
    z.object({ file: z.string(), line: z.number(), column: z.number(), level: z.string(), message: z.string(), help: z.string().nullable().optional(), rule_name: z.string() }),
  );
}

const squawkBinary = () => platformBinary('@squawk-cli', 'squawk');

/**
 * squawk lints whole files, and a dbmate file's down section would be linted as if it ran on
 * the way up: each up section is written alone to a scratch file, linted in one squawk run,
 * and squawk's 0-based lines are mapped back to the migration file.
 */
async function squawkFindings(dir: MigrationsDir, cwd: string): Promise<Finding[]> {
  const withUp = dir.files.filter((f) => f.up && f.up.sql.trim() !== '');
  if (withUp.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'medicalcor-lint-'));
  try {
    const byScratch = new Map(withUp.map((f, i) => [join(scratch, `${i}.sql`), f]));
    for (const [path, f] of byScratch) writeFileSync(path, f.up!.sql);
    const configArgs = ['--assume-in-transaction', '--pg-version', '15', '--reporter', 'json'];
    const [{ execa }, squawkReport] = await Promise.all([import('execa'), squawkReportSchema()]);
    const result = await execa(squawkBinary(), [...configArgs, ...byScratch.keys()], { reject: false, stdin: 'ignore' });
    const parsed = squawkReport.safeParse(JSON.parse(result.stdout || '[]'));
    if (!parsed.success) throw new CliError(`squawk returned an unexpected report: ${result.stderr || result.stdout.slice(0, 200)}`);
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

/** squawk on the up sections plus the dbmate file rules, ordered by file and line. */
export async function lintMigrations(dir: MigrationsDir, cwd: string): Promise<Finding[]> {
  const findings = [...checkFiles(dir, cwd), ...(await squawkFindings(dir, cwd))];
  return findings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}
