import type { Database } from '../db/index.js';
import { interrupted, isDomainError, unavailable } from '../errors.js';
import { dbmateError, prepareDbmate, type DbmateResult, type PreparedDbmate } from './dbmate.js';
import { checkFiles } from './file-rules.js';
import { directoryUpTo } from './scoped-dir.js';
import { readMigrationsDir } from './files.js';
import { hasErrors, type Finding } from './findings.js';
import { invalidIndexesSql, type InvalidIndex } from './indexes.js';
import {
  ensureLedger,
  forgetVersion,
  readDatabaseState,
  recordFailure,
  resolveStaleIntents,
  settleRun,
  terminateOrphanedDbmate,
  writeIntents,
  type FailureEntry,
  type StaleIntent,
} from './ledger.js';
import { acquireMigrateLock, LOCK_KEY_SQL, MIGRATE_LOCK, type MigrateLock } from './lock.js';
import { planDownFrom, planDownTo, planUpFrom, type PlanStep } from './plan.js';
import type { SessionsEnded } from './sessions.js';
import { compare, type Comparison } from './state.js';

export interface MigrateDeps {
  db: Database;
  migrationsDir: string;
  /** paths in findings are shown relative to this */
  cwd: string;
  signal?: AbortSignal;
  secrets?: readonly string[];
  lockTimeoutMs?: number;
  /**
   * progress text ("applying migration 2 of 5: …"), given only when it is shown: without it,
   * dbmate's output is read once at its exit rather than line by line
   */
  onProgress?: (text: string) => void;
  /** a wait for another runner's lock, and who holds it: a fact to show even when progress is not */
  onLockWait?: (text: string) => void;
  /** who is recorded in the ledger (see defaultActor) */
  actor: string;
  /** how long a cancelled migration statement may take before its session is terminated */
  cancelGraceMs?: number;
}

export interface StatusReport extends Comparison {
  /** the last failed attempt for a version that is still pending */
  lastFailure?: FailureEntry;
  /** stale ledger rows this call settled (status and verify settle them when no runner is live) */
  resolved: StaleIntent[];
  /** the ledger tables exist (read-only commands never create them) */
  hasLedger: boolean;
}

type StatusDeps = Pick<MigrateDeps, 'db' | 'migrationsDir' | 'cwd'>;

function statusOf(deps: StatusDeps, state: Awaited<ReturnType<typeof readDatabaseState>>): StatusReport {
  const dir = readMigrationsDir(deps.migrationsDir);
  const comparison = compare(dir, state, deps.cwd);
  comparison.findings.unshift(...checkFiles(dir, deps.cwd));
  const pendingVersions = new Set(comparison.pending.map((f) => f.version));
  return {
    ...comparison,
    lastFailure: state.failures.find((f) => pendingVersions.has(f.version)),
    resolved: [],
    hasLedger: state.hasLedger,
  };
}

/**
 * Files against the database, with every finding of `verify`. With `resolveStale`, ledger rows
 * left 'applying' by a dead runner are settled against schema_migrations, under the migration
 * lock taken without waiting (a live runner's rows are never touched).
 */
export async function migrationStatus(
  deps: StatusDeps,
  options: { resolveStale?: boolean } = {},
): Promise<StatusReport> {
  const status = statusOf(deps, await readDatabaseState(deps.db.pool));
  if (!options.resolveStale || status.stale.length === 0) return status;
  const client = await deps.db.pool.connect();
  try {
    const { rows } = await client.query(`select pg_try_advisory_lock(${LOCK_KEY_SQL}) as ok`, [MIGRATE_LOCK]);
    if (!rows[0]?.ok) return status;
    try {
      const fresh = statusOf(deps, await readDatabaseState(client));
      await resolveStaleIntents(client, fresh.stale);
      return { ...fresh, resolved: fresh.stale };
    } finally {
      await client.query(`select pg_advisory_unlock(${LOCK_KEY_SQL})`, [MIGRATE_LOCK]);
    }
  } finally {
    client.release();
  }
}

export interface ApplyResult {
  /** what the database now holds of the plan (read from schema_migrations, never from dbmate's output) */
  applied: PlanStep[];
  /** the steps planned (after the lock was taken) */
  planned: PlanStep[];
  failed?: { version: string; filename: string; error: string; transactional: boolean };
  interrupted: boolean;
  /** on interruption: the server sessions of dbmate, ended and waited for */
  sessions?: SessionsEnded;
  /** findings that stopped the run before anything ran */
  blockedBy: Finding[];
  /** INVALID indexes present after the run (left by a failed non-transactional migration) */
  invalidIndexes: InvalidIndex[];
  /** stale ledger rows of a dead runner, settled before the run */
  resolved: StaleIntent[];
  /** dbmate sessions of a dead runner that were terminated before the run */
  orphansTerminated: number;
  currentVersion?: string;
}

const emptyResult = (status: StatusReport, extra: Partial<ApplyResult> = {}): ApplyResult => ({
  applied: [],
  planned: [],
  interrupted: false,
  blockedBy: [],
  invalidIndexes: [],
  resolved: [],
  orphansTerminated: 0,
  currentVersion: status.currentVersion,
  ...extra,
});

const notStarted = (what: string) =>
  interrupted(`Interrupted before ${what}; nothing was changed.`, { code: 'migrate.interrupted-before' });

/**
 * The lock, then the database's truth: dbmate sessions of a dead runner are terminated (what they
 * had in flight is rolled back) and rows it left 'applying' are settled, before anything is planned.
 */
async function underLock<T>(
  deps: MigrateDeps,
  work: (
    status: StatusReport,
    prelude: Pick<ApplyResult, 'resolved' | 'orphansTerminated'>,
    client: MigrateLock['client'],
  ) => Promise<T>,
): Promise<T> {
  let holder = '';
  const lock = await acquireMigrateLock(deps.db.pool, {
    timeoutMs: deps.lockTimeoutMs ?? 120_000,
    signal: deps.signal,
    onWait: (who) => deps.onLockWait?.(`waiting for the migration lock, held by ${(holder = who)}`),
  }).catch(async (error: unknown) => {
    if (!isDomainError(error) || error.kind !== 'interrupted') throw error;
    const version = (await readDatabaseState(deps.db.pool)).applied.at(-1);
    const by = holder ? ` (held by ${holder})` : '';
    throw interrupted(
      `Interrupted while waiting for the migration lock${by}; nothing was changed. ` +
        `The database is at version ${version ?? 'none'}.`,
      {
        code: 'migrate.interrupted-waiting',
        facts: { currentVersion: version ?? null },
      },
    );
  });
  try {
    // read on the lock's own session, so the lock we hold does not look like another live runner
    const read = async () => statusOf(deps, await readDatabaseState(lock.client));
    let status = await read();
    let orphansTerminated = 0;
    if (status.orphanSessions.length) {
      orphansTerminated = await terminateOrphanedDbmate(lock.client, status.orphanSessions);
      status = await read();
    }
    const resolved = status.stale;
    if (resolved.length) {
      await resolveStaleIntents(lock.client, resolved);
      status = await read();
    }
    if (deps.signal?.aborted) throw notStarted('any migration ran');
    // the run's own reads and ledger writes go on the lock's session too: no second connection
    return await work(status, { resolved, orphansTerminated }, lock.client);
  } finally {
    await lock.release().catch(() => {});
  }
}

async function invalidIndexesNow(client: MigrateLock['client']): Promise<InvalidIndex[]> {
  return (await client.query(invalidIndexesSql)).rows as InvalidIndex[];
}

/** Turns dbmate's "Applying: FILE" lines into "applying migration N of M: FILE". */
function progressLines(deps: MigrateDeps, steps: readonly PlanStep[], verb: string): (line: string) => void {
  const index = new Map(steps.map((s, i) => [s.filename, i + 1]));
  return (line) => {
    const match = /^(?:Applying|Rolling back): (.+)$/.exec(line);
    const n = match ? index.get(match[1]!.trim()) : undefined;
    if (n) deps.onProgress?.(`${verb} migration ${n} of ${steps.length}: ${match![1]!.trim()}`);
  };
}

/**
 * Applies the pending migrations (all, or up to and including `to`) under the lock: refuses when
 * verify finds an error, writes the intents of the whole run in one round trip, lets dbmate apply
 * them (each in its own transaction unless it says transaction:false), then settles the ledger in
 * one round trip with what schema_migrations really holds. Interrupted, dbmate is stopped before
 * its server session is cancelled and waited for, so the result says the database's real state.
 */
export async function migrateUp(
  deps: MigrateDeps,
  options: { to?: string; expectWork?: boolean } = {},
): Promise<ApplyResult> {
  if (deps.signal?.aborted) throw notStarted('the migration lock was taken');
  // the files are read (and hashed) here only for --to: the run reads them under the lock anyway
  const scoped =
    options.to !== undefined ? directoryUpTo(readMigrationsDir(deps.migrationsDir).files, options.to) : undefined;
  let prepared: PreparedDbmate | undefined;
  // dbmate's lines are followed only for shown progress; its numbering needs the plan, made under the lock
  let followLine = (_line: string) => {};
  const prepare = () =>
    (prepared ??= prepareDbmate('migrate', {
      url: deps.db.url,
      migrationsDir: scoped?.dir ?? deps.migrationsDir,
      signal: deps.signal,
      secrets: deps.secrets,
      controlSessions: !deps.db.embedded,
      cancelGraceMs: deps.cancelGraceMs,
      onLine: deps.onProgress && ((line) => followLine(line)),
    }));
  try {
    // with work expected, the watcher starts now: its start-up overlaps the lock and the reads
    if (options.expectWork) prepare();
    return await underLock(deps, async (status, prelude, client) => {
      const blocking = status.findings.filter((f) => f.severity === 'error');
      if (hasErrors(blocking)) return emptyResult(status, { ...prelude, blockedBy: blocking, invalidIndexes: [] });
      const plan = planUpFrom(status, options.to);
      const unrecorded = status.unrecorded;
      if (plan.length === 0 && unrecorded.length === 0) return emptyResult(status, prelude);
      if (plan.length) prepare();
      if (!status.hasLedger) await ensureLedger(client);
      const pendingFiles = status.pending.filter((f) => plan.some((s) => s.version === f.version));
      await writeIntents(client, pendingFiles, deps.actor);
      let result: DbmateResult | undefined;
      if (plan.length) {
        if (deps.signal?.aborted) {
          await settleRun(
            client,
            plan.map((s) => s.version),
            [],
            deps.actor,
          );
          throw notStarted('any migration ran');
        }
        deps.onProgress?.(`applying ${plan.length} migration(s)`);
        followLine = progressLines(deps, plan, 'applying');
        result = await prepare().run();
      }
      const settled = await settleRun(
        client,
        plan.map((s) => s.version),
        unrecorded,
        deps.actor,
      );
      const after = new Set(settled.applied);
      const applied = plan.filter((s) => after.has(s.version));
      const notApplied = plan.find((s) => !after.has(s.version));
      let failed: ApplyResult['failed'];
      if (result && !result.ok && notApplied) {
        const error = result.interrupted ? 'interrupted' : dbmateError(result);
        failed = {
          version: notApplied.version,
          filename: notApplied.filename,
          error,
          transactional: notApplied.transactional,
        };
        if (!result.interrupted) await recordFailure(client, failed, deps.actor);
      } else if (result && !result.ok && !result.interrupted) {
        throw unavailable(`dbmate failed: ${dbmateError(result)}`, { code: 'migrate.dbmate-failed' });
      }
      return {
        ...prelude,
        applied,
        planned: plan,
        failed,
        interrupted: result?.interrupted ?? false,
        sessions: result?.sessions,
        blockedBy: [],
        invalidIndexes: settled.invalidIndexes,
        currentVersion: settled.applied.at(-1),
      };
    });
  } finally {
    prepared?.discard();
    scoped?.remove();
  }
}

/**
 * Rolls back the newest `count` migrations, or every applied one newer than `to`, one dbmate
 * rollback each, under the lock; stops between two rollbacks when interrupted.
 */
export async function migrateDown(deps: MigrateDeps, target: { count: number } | { to: string }): Promise<ApplyResult> {
  if (deps.signal?.aborted) throw notStarted('the migration lock was taken');
  return underLock(deps, async (status, prelude, client) => {
    const plan = 'to' in target ? planDownTo(status, target.to) : planDownFrom(status, target.count);
    if (!status.hasLedger) await ensureLedger(client);
    const done: PlanStep[] = [];
    const finish = async (extra: Partial<ApplyResult>): Promise<ApplyResult> => {
      const applied = (await readDatabaseState(client)).applied;
      return {
        ...prelude,
        applied: done,
        planned: plan,
        interrupted: false,
        blockedBy: [],
        invalidIndexes: await invalidIndexesNow(client),
        currentVersion: applied.at(-1),
        ...extra,
      };
    };
    for (const [i, step] of plan.entries()) {
      if (deps.signal?.aborted) return finish({ interrupted: true });
      deps.onProgress?.(`rolling back migration ${i + 1} of ${plan.length}: ${step.filename}`);
      const result = await prepareDbmate('rollback', {
        url: deps.db.url,
        migrationsDir: deps.migrationsDir,
        signal: deps.signal,
        secrets: deps.secrets,
        controlSessions: !deps.db.embedded,
        cancelGraceMs: deps.cancelGraceMs,
      }).run();
      const after = (await readDatabaseState(client)).applied;
      if (after.includes(step.version)) {
        const error = result.interrupted ? 'interrupted' : dbmateError(result);
        return finish({
          failed: { version: step.version, filename: step.filename, error, transactional: step.transactional },
          interrupted: result.interrupted,
          sessions: result.sessions,
        });
      }
      await forgetVersion(client, step.version);
      done.push(step);
      if (result.interrupted) return finish({ interrupted: true, sessions: result.sessions });
    }
    return finish({});
  });
}
