import { relative } from 'node:path';
import type { MigrationFile, MigrationsDir } from './files.js';
import type { Finding } from './findings.js';
import type { DatabaseState, LedgerEntry } from './ledger.js';

export interface MigrationStatus {
  version: string;
  filename: string;
  state: 'applied' | 'pending' | 'missing-file';
  appliedAt?: Date;
  appliedBy?: string;
  file?: MigrationFile;
}

export interface Comparison {
  migrations: MigrationStatus[];
  pending: MigrationFile[];
  /** applied versions present in the directory, ascending */
  appliedFiles: MigrationFile[];
  /** applied by bare dbmate (no ledger row yet): their checksums are recorded on the next write */
  unrecorded: MigrationFile[];
  currentVersion?: string;
  findings: Finding[];
}

/**
 * Relates the files to what the database says was applied: the checks `verify` reports and
 * `up` refuses to continue past.
 */
export function compare(dir: MigrationsDir, db: DatabaseState, cwd: string): Comparison {
  const show = (path: string) => relative(cwd, path) || path;
  const byVersion = new Map<string, MigrationFile>();
  for (const f of dir.files) if (!byVersion.has(f.version)) byVersion.set(f.version, f);
  const applied = new Set(db.applied);
  const findings: Finding[] = [];
  const migrations: MigrationStatus[] = [];
  const appliedFiles: MigrationFile[] = [];
  const unrecorded: MigrationFile[] = [];

  for (const version of db.applied) {
    const file = byVersion.get(version);
    const entry: LedgerEntry | undefined = db.ledger.get(version);
    if (!file) {
      const name = entry?.filename ?? `${version}_?.sql`;
      migrations.push({ version, filename: name, state: 'missing-file', appliedAt: entry?.appliedAt, appliedBy: entry?.appliedBy });
      findings.push({ code: 'missing-file', severity: 'error', version, message: `version ${version} (${name}) is applied but has no file in ${show(dir.dir)}.`, hint: 'Restore the file from version control, or roll the database back with the release that has it.' });
      continue;
    }
    appliedFiles.push(file);
    migrations.push({ version, filename: file.filename, state: 'applied', appliedAt: entry?.appliedAt, appliedBy: entry?.appliedBy, file });
    if (!entry || entry.state !== 'applied') {
      unrecorded.push(file);
    } else if (entry.checksum !== file.checksum) {
      findings.push({
        code: 'edited',
        severity: 'error',
        version,
        file: show(file.path),
        line: 1,
        message: `${file.filename} was edited after it was applied (on ${entry.appliedAt.toISOString()} by ${entry.appliedBy}); the database ran the earlier text.`,
        hint: 'Revert the edit and put the change in a new migration (medicalcor migrate new NAME).',
      });
    }
  }
  const newest = db.applied.at(-1);
  const pending = dir.files.filter((f) => !applied.has(f.version) && byVersion.get(f.version) === f);
  for (const f of pending) {
    migrations.push({ version: f.version, filename: f.filename, state: 'pending', file: f });
    if (newest && f.version < newest) {
      findings.push({ code: 'out-of-order', severity: 'error', version: f.version, file: show(f.path), line: 1, message: `${f.filename} is pending but older than the newest applied version ${newest}.`, hint: 'Give it a version newer than the applied ones (rename the file) so every database applies migrations in one order.' });
    }
  }
  migrations.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { migrations, pending, appliedFiles, unrecorded, currentVersion: newest, findings };
}
