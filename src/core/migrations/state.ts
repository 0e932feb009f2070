import { relative } from 'node:path';
import type { MigrationFile, MigrationsDir } from './files.js';
import type { Finding } from './findings.js';
import { dropStatement, indexLabel } from './indexes.js';
import type { DatabaseState, LedgerEntry, StaleIntent } from './ledger.js';

export interface MigrationStatus {
  version: string;
  filename: string;
  /** 'applying': a live runner is applying it now */
  state: 'applied' | 'pending' | 'applying' | 'missing-file';
  appliedAt?: Date;
  appliedBy?: string;
  /** how the ledger row was recorded when dbmate did not apply it (a baseline) */
  note?: string;
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
  /** ledger rows left 'applying' by a runner that is gone, with what the database really holds */
  stale: StaleIntent[];
  /** dbmate sessions of a runner that is gone, still on the server */
  orphanSessions: DatabaseState['dbmateSessions'];
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
  // a live runner holds the lock for its whole run: without one, every 'applying' row is a dead runner's
  const runnerLive = db.lockHolder !== undefined;
  const stale: StaleIntent[] = [];
  // while a dead runner's dbmate session is still on the server, its migration is in doubt
  if (!runnerLive && db.dbmateSessions.length === 0) {
    for (const entry of db.ledger.values()) {
      if (entry.state === 'applying')
        stale.push({ entry, outcome: applied.has(entry.version) ? 'applied' : 'not-applied' });
      else if (!applied.has(entry.version)) stale.push({ entry, outcome: 'not-applied' });
    }
  }
  stale.sort((a, b) => (a.entry.version < b.entry.version ? -1 : 1));
  const staleByVersion = new Map(stale.map((s) => [s.entry.version, s]));

  for (const version of db.applied) {
    const file = byVersion.get(version);
    const raw: LedgerEntry | undefined = db.ledger.get(version);
    // a stale intent for an applied version holds the checksum of the text that ran
    const entry = raw && staleByVersion.has(version) ? { ...raw, state: 'applied' as const } : raw;
    if (!file) {
      const name = entry?.filename ?? `${version}_?.sql`;
      migrations.push({
        version,
        filename: name,
        state: 'missing-file',
        appliedAt: entry?.appliedAt,
        appliedBy: entry?.appliedBy,
      });
      findings.push({
        code: 'missing-file',
        severity: 'error',
        version,
        message: `version ${version} (${name}) is applied but has no file in ${show(dir.dir)}.`,
        hint: 'Restore the file from version control, or roll the database back with the release that has it.',
      });
      continue;
    }
    appliedFiles.push(file);
    migrations.push({
      version,
      filename: file.filename,
      state: 'applied',
      appliedAt: entry?.appliedAt,
      appliedBy: entry?.appliedBy,
      note: entry?.note,
      file,
    });
    if (!entry || entry.state !== 'applied') {
      unrecorded.push(file);
    } else if (entry.checksum !== file.checksum) {
      findings.push({
        code: 'edited',
        severity: 'error',
        version,
        file: show(file.path),
        line: 1,
        message:
          `${file.filename} was edited after it was applied ` +
          `(on ${entry.appliedAt.toISOString()} by ${entry.appliedBy}); the database ran the earlier text.`,
        hint: 'Revert the edit and put the change in a new migration (medicalcor migrate new NAME).',
      });
    }
  }
  const newest = db.applied.at(-1);
  const pending = dir.files.filter((f) => !applied.has(f.version) && byVersion.get(f.version) === f);
  for (const f of pending) {
    const inFlight = runnerLive && db.ledger.get(f.version)?.state === 'applying';
    migrations.push({ version: f.version, filename: f.filename, state: inFlight ? 'applying' : 'pending', file: f });
    if (newest && f.version < newest) {
      findings.push({
        code: 'out-of-order',
        severity: 'error',
        version: f.version,
        file: show(f.path),
        line: 1,
        message: `${f.filename} is pending but older than the newest applied version ${newest}.`,
        hint:
          'Give it a version newer than the applied ones (rename the file) ' +
          'so every database applies migrations in one order.',
      });
    }
  }
  for (const s of stale) {
    const { entry } = s;
    const applied = s.outcome === 'applied';
    if (entry.state === 'applied') {
      findings.push({
        code: 'stale-ledger-row',
        severity: 'warning',
        version: entry.version,
        message:
          `${entry.filename} is recorded as applied in the ledger, but schema_migrations does not hold it ` +
          '(rolled back by a runner that died before recording it, or by bare dbmate).',
        hint: 'The ledger row is removed; the migration is pending again.',
      });
      continue;
    }
    findings.push({
      code: 'stale-intent',
      severity: 'warning',
      version: entry.version,
      message:
        `${entry.filename} was left "applying" in the ledger by a runner that is gone ` +
        `(${entry.appliedBy}, ${entry.appliedAt.toISOString()}); ` +
        (applied
          ? 'schema_migrations holds it: it was applied.'
          : 'schema_migrations does not hold it: it was not applied (PostgreSQL rolled it back).'),
      hint: applied
        ? 'The ledger records it as applied, with the checksum of the text that ran.'
        : 'The ledger row is removed; the migration is pending again.',
    });
  }
  const orphanSessions = runnerLive ? [] : db.dbmateSessions;
  for (const session of orphanSessions) {
    findings.push({
      code: 'orphan-session',
      severity: 'error',
      message:
        `a dbmate session of a runner that is gone is still on the server ` +
        `(backend pid ${session.pid}, ${session.state || 'unknown state'}` +
        `${session.since ? ` since ${session.since.toISOString()}` : ''}); what it has in flight could still commit.`,
      hint: `The next migrate up terminates it; or end it now: SELECT pg_terminate_backend(${session.pid});`,
    });
  }
  for (const index of db.invalidIndexes) {
    findings.push({
      code: 'invalid-index',
      severity: 'error',
      message:
        `index ${indexLabel(index)} is INVALID: a CREATE INDEX CONCURRENTLY failed or was interrupted; ` +
        'queries do not use it, ' +
        `writes still maintain it${index.unique ? ' (and it still rejects duplicates)' : ''}, ` +
        'and CREATE INDEX IF NOT EXISTS would keep it.',
      hint: `Drop it with ${dropStatement(index)} then apply the migration that creates it again.`,
    });
  }
  migrations.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  return { migrations, pending, appliedFiles, unrecorded, currentVersion: newest, findings, stale, orphanSessions };
}
