import type { Database } from '../db/index.js';
import { acquireAdvisoryLock } from '../db/index.js';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { dbmateError, runDbmate } from './dbmate.js';
import { checkFiles } from './file-rules.js';
import { readMigrationsDir, type MigrationFile } from './files.js';
import { hasErrors, type Finding } from './findings.js';
import { ensureLedger, forgetVersion, readDatabaseState, recordFailure, settleLedger, terminateOrphanedDbmate, writeIntents, type FailureEntry } from './ledger.js';
import { compare, type Comparison } from './state.js';

export const MIGRATE_LOCK = 'medicalcor:migrate';

export interface MigrateDeps {
  db: Database;
  migrationsDir: string;
  /** paths in findings are shown relative to this */
  cwd: string;
  signal?: AbortSignal;
  secrets?: readonly string[];
  lockTimeoutMs?: number;
  /** progress lines (dbmate's "Applying: …", lock waits); shown on stderr by the command */
  onProgress?: (line: string) => void;
  /** who is recorded in the ledger (see defaultActor) */
  actor: string;
}


export interface StatusReport extends Comparison {
  /** the last failed attempt for a version that is still pending */
  lastFailure?: FailureEntry;
}

/** Read-only: files against the database, with every finding of `verify`. */
export async function migrationStatus(deps: Pick<MigrateDeps, 'db' | 'migrationsDir' | 'cwd'>): Promise<StatusReport> {
  const dir = readMigrationsDir(deps.migrationsDir);
  const state = await readDatabaseState(deps.db.pool);
  const comparison = compare(dir, state, deps.cwd);
  comparison.findings.unshift(...checkFiles(dir, deps.cwd));
  const pendingVersions = new Set(comparison.pending.map((f) => f.version));
  return { ...comparison, lastFailure: state.failures.find((f) => pendingVersions.has(f.version)) };
}

export interface PlanStep {
  version: string;
  filename: string;
  direction: 'up' | 'down';
  sql: string;
}

const stepOf = (f: MigrationFile, direction: 'up' | 'down'): PlanStep => ({
  version: f.version,
  filename: f.filename,
  direction,
  sql: (direction === 'up' ? f.up?.sql : f.down?.sql)?.trim() ?? '',
});

export function planUpFrom(status: StatusReport): PlanStep[] {
  return status.pending.map((f) => stepOf(f, 'up'));
}

/** The down sections `down count` would run, newest first; refuses what cannot be rolled back. */
export function planDownFrom(status: StatusReport, count: number): PlanStep[] {
  const applied = status.migrations.filter((m) => m.state !== 'pending');
  if (count > applied.length) {
    throw new CliError(`Cannot roll back ${count} migration(s): only ${applied.length} applied.`, ExitCode.Usage);
  }
  return applied.slice(-count).reverse().map((m) => {
    if (!m.file) throw new CliError(`Cannot roll back ${m.version}: its file is missing, so its down section is unknown.`, ExitCode.Problem, 'Restore the file from version control first.');
    if (!m.file.down || m.file.down.sql.trim() === '') throw new CliError(`Cannot roll back ${m.file.filename}: it has no down section.`, ExitCode.Problem);
    return stepOf(m.file, 'down');
  });
}

export interface ApplyResult {
  applied: PlanStep[];
  failed?: { version: string; filename: string; error: string };
  interrupted: boolean;
  /** findings that stopped `up` before anything ran */
  blockedBy: Finding[];
  currentVersion?: string;
}

async function withMigrateLock<T>(deps: MigrateDeps, work: () => Promise<T>): Promise<T> {
  const lock = await acquireAdvisoryLock(deps.db.pool, MIGRATE_LOCK, {
    timeoutMs: deps.lockTimeoutMs ?? 120_000,
    onWait: (holder) => deps.onProgress?.(`waiting for the migration lock, held by ${holder}`),
  });
  try {
    await terminateOrphanedDbmate(deps.db.pool);
    return await work();
  } finally {
    await lock.release().catch(() => {});
  }
}


/**
 * Applies every pending migration under the lock: refuses when verify finds an error, writes
 * intent rows with the checksums of the files about to run, lets dbmate apply them (each in its
 * own transaction), then settles the ledger with what really happened.
 */
export async function migrateUp(deps: MigrateDeps): Promise<ApplyResult> {
  const actor = deps.actor;
  return withMigrateLock(deps, async () => {
    const status = await migrationStatus(deps);
    const blocking = status.findings.filter((f) => f.severity === 'error');
    if (hasErrors(blocking)) return { applied: [], interrupted: false, blockedBy: blocking, currentVersion: status.currentVersion };
    if (status.pending.length === 0 && status.unrecorded.length === 0) {
      return { applied: [], interrupted: false, blockedBy: [], currentVersion: status.currentVersion };
    }
    await ensureLedger(deps.db.pool);
    await writeIntents(deps.db.pool, status.pending, actor);
    let result: Awaited<ReturnType<typeof runDbmate>> | undefined;
    if (status.pending.length) {
      result = await runDbmate('migrate', { url: deps.db.url, migrationsDir: deps.migrationsDir, signal: deps.signal, secrets: deps.secrets, onLine: deps.onProgress });
    }
    await settleLedger(deps.db.pool, status.unrecorded, actor);
    const after = new Set((await readDatabaseState(deps.db.pool)).applied);
    const applied = status.pending.filter((f) => after.has(f.version)).map((f) => stepOf(f, 'up'));
    const notApplied = status.pending.find((f) => !after.has(f.version));
    let failed: ApplyResult['failed'];
    if (result && !result.ok && notApplied) {
      const error = result.interrupted ? 'interrupted' : dbmateError(result);
      failed = { version: notApplied.version, filename: notApplied.filename, error };
      if (!result.interrupted) await recordFailure(deps.db.pool, failed, actor);
    } else if (result && !result.ok) {
      throw new CliError(`dbmate failed: ${dbmateError(result)}`);
    }
    return { applied, failed, interrupted: result?.interrupted ?? false, blockedBy: [], currentVersion: [...after].sort().at(-1) };
  });
}

/** Rolls back the newest `count` migrations, one dbmate rollback each, under the lock. */
export async function migrateDown(deps: MigrateDeps, count: number): Promise<ApplyResult> {
  return withMigrateLock(deps, async () => {
    const plan = planDownFrom(await migrationStatus(deps), count);
    await ensureLedger(deps.db.pool);
    const done: PlanStep[] = [];
    for (const step of plan) {
      if (deps.signal?.aborted) return { applied: done, interrupted: true, blockedBy: [] };
      const result = await runDbmate('rollback', { url: deps.db.url, migrationsDir: deps.migrationsDir, signal: deps.signal, secrets: deps.secrets, onLine: deps.onProgress });
      const after = (await readDatabaseState(deps.db.pool)).applied;
      if (after.includes(step.version)) {
        const error = result.interrupted ? 'interrupted' : dbmateError(result);
        return { applied: done, failed: { version: step.version, filename: step.filename, error }, interrupted: result.interrupted, blockedBy: [], currentVersion: after.at(-1) };
      }
      await forgetVersion(deps.db.pool, step.version);
      done.push(step);
    }
    return { applied: done, interrupted: false, blockedBy: [], currentVersion: (await readDatabaseState(deps.db.pool)).applied.at(-1) };
  });
}
