import type pg from 'pg';
import { interrupted, invalidInput } from '../errors.js';
import type { SchemaDifference } from '../schema/diff.js';
import type { LoadDeps } from '../schema/sources.js';
import { readMigrationsDir, type MigrationFile } from './files.js';
import { ensureLedger, readDatabaseState } from './ledger.js';
import { acquireMigrateLock } from './lock.js';
import { checkTargetVersion, stepOf, type PlanStep } from './plan.js';
import type { MigrateDeps } from './runner.js';
import { directoryUpTo } from './scoped-dir.js';

export interface BaselineOptions {
  to: string;
  /** record the versions even when the live schema differs from what they produce */
  force?: boolean;
  /** where the shadow database may be created and how (core/schema's LoadDeps) */
  shadow: Pick<LoadDeps, 'cacheDir' | 'shadowServerUrl' | 'shadowMode'>;
}

export interface BaselineResult {
  to: string;
  /** the versions up to `to` not yet in schema_migrations: what a baseline records */
  versions: PlanStep[];
  /** the live schema against what the migrations up to `to` produce (A: migrations, B: live) */
  differences: SchemaDifference[];
  /** true when the versions were written to schema_migrations and the ledger */
  recorded: boolean;
  forced: boolean;
  /** where the migrations were applied ("medicalcor_shadow_… on host:5432", "embedded PGlite") */
  shadow?: string;
  currentVersion?: string;
}

/**
 * Adopts a database that already has the schema (created before dbmate, or by hand): applies the
 * migrations up to `to` to a shadow database, compares the shadow's schema with the live one
 * object by object, and only when they are equal records those versions as applied in
 * schema_migrations and the ledger (one transaction, under the migration lock). Forced past
 * differences, it records them anyway and the ledger rows say so.
 */
export async function baselineTo(deps: MigrateDeps, options: BaselineOptions): Promise<BaselineResult> {
  const to = checkTargetVersion(options.to);
  const files = readMigrationsDir(deps.migrationsDir).files;
  if (!files.some((f) => f.version === to)) {
    throw invalidInput(`No migration has version ${to}.`, {
      code: 'migrate.unknown-target',
      facts: { to },
      remedy: 'Use a version listed by migrate status.',
    });
  }
  const lock = await acquireMigrateLock(deps.db.pool, {
    timeoutMs: deps.lockTimeoutMs ?? 120_000,
    signal: deps.signal,
    onWait: (h) => deps.onLockWait?.(`waiting for the migration lock, held by ${h}`),
  });
  try {
    return await underLock(deps, options, to, files, lock.client);
  } finally {
    await lock.release().catch(() => {});
  }
}

/** Everything below runs under the migration lock: no runner changes the database between compare and record. */
async function underLock(
  deps: MigrateDeps,
  options: BaselineOptions,
  to: string,
  files: MigrationFile[],
  lockClient: pg.ClientBase,
): Promise<BaselineResult> {
  const state = await readDatabaseState(lockClient);
  const applied = new Set(state.applied);
  const newer = state.applied.filter((v) => v > to);
  if (newer.length) {
    throw invalidInput(
      `The database already has versions newer than ${to} (${newer.join(', ')}); ` +
        'a baseline only records versions up to the first applied one.',
      {
        code: 'migrate.baseline-behind',
        facts: { to, newer },
      },
    );
  }
  const upTo = files.filter((f) => f.version <= to);
  const versions = upTo.filter((f) => !applied.has(f.version)).map((f) => stepOf(f, 'up'));
  if (versions.length === 0)
    return { to, versions, differences: [], recorded: false, forced: false, currentVersion: state.applied.at(-1) };

  const schema = await import('../schema/index.js');
  const scoped = directoryUpTo(files, to);
  let shadowName: string | undefined;
  let differences: SchemaDifference[];
  try {
    deps.onProgress?.(`applying ${upTo.length} migration(s) up to ${to} to a shadow database`);
    const [expected, live] = await Promise.all([
      schema.modelFromMigrations(scoped.dir, {
        ...options.shadow,
        signal: deps.signal,
        secrets: deps.secrets,
        // a baseline trusts nothing cached: the versions are recorded only against a shadow built now
        useCache: false,
        onProgress: (line) => {
          shadowName = /^applying the migrations to the shadow \((.+)\)$/.exec(line)?.[1] ?? shadowName;
        },
      }),
      schema.introspectUrl(deps.db.url),
    ]);
    deps.onProgress?.('comparing the shadow with the live database');
    // column order is a note, not drift: it does not stop a baseline
    differences = schema
      .sortDifferences(schema.diffModels(expected, live, { a: `migrations up to ${to}`, b: 'live database' }))
      .filter((d) => !d.note);
  } finally {
    scoped.remove();
  }
  if (deps.signal?.aborted) {
    throw interrupted('Interrupted before anything was recorded; the shadow database was removed.', {
      code: 'migrate.interrupted-before',
    });
  }
  const forced = differences.length > 0 && Boolean(options.force);
  if (differences.length > 0 && !forced)
    return {
      to,
      versions,
      differences,
      recorded: false,
      forced: false,
      shadow: shadowName,
      currentVersion: state.applied.at(-1),
    };

  const client = await deps.db.pool.connect();
  try {
    await ensureLedger(client);
    const note = forced
      ? `baseline forced past ${differences.length} difference(s) from the live schema`
      : 'baseline: live schema verified equal';
    await client.query('begin');
    try {
      // dbmate's own table, as dbmate creates it
      await client.query(`create table if not exists schema_migrations (version varchar primary key)`);
      await client.query(`insert into schema_migrations (version) select unnest($1::text[]) on conflict do nothing`, [
        versions.map((v) => v.version),
      ]);
      await client.query(
        `insert into medicalcor_migration_ledger (version, filename, checksum, state, applied_by, note)
         select v, f, c, 'applied', $4, $5 from unnest($1::text[], $2::text[], $3::text[]) as t(v, f, c)
         on conflict (version) do update set filename = excluded.filename, checksum = excluded.checksum,
           state = 'applied', applied_at = now(), applied_by = excluded.applied_by, note = excluded.note`,
        [
          versions.map((v) => v.version),
          versions.map((v) => v.filename),
          versions.map((v) => upTo.find((f) => f.version === v.version)!.checksum),
          deps.actor,
          note,
        ],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
  } finally {
    client.release();
  }
  return {
    to,
    versions,
    differences,
    recorded: true,
    forced,
    shadow: shadowName,
    currentVersion: (await readDatabaseState(deps.db.pool)).applied.at(-1),
  };
}
