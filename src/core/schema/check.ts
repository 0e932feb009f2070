import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { diffModels, sortDifferences, type SchemaDifference } from './diff.js';
import type { SchemaModel } from './model.js';
import { evaluatePolicy, policyFileFor, readPolicy, type PolicyViolation } from './policy.js';
import { MigrationProvenance } from './provenance.js';
import type { ShadowMode } from './shadow.js';
import { introspectUrl, modelFromMigrations } from './sources.js';
import { readSnapshot, SNAPSHOT_FILENAME } from './snapshot.js';

export interface CheckSchemaOptions {
  migrationsDir: string;
  /** default: schema.snapshot.json beside the migrations, compared only if it exists */
  snapshotFile?: string;
  /** the environment's database, compared with what the migrations produce */
  liveUrl?: string;
  cwd: string;
  signal?: AbortSignal;
  /** where the prepared PGlite shadow is kept: defaultCacheDir(env) */
  cacheDir: string;
  /** a server on which the shadow database may be created; when not given at all: liveUrl's server; undefined: the embedded PGlite */
  shadowServerUrl?: string;
  shadowMode?: ShadowMode;
  /** default: patient-data-policy.yaml beside the migrations, if it exists */
  policyFile?: string;
  secrets?: readonly string[];
  onNote?: (line: string) => void;
}

export interface SchemaCheckResult {
  differences: SchemaDifference[];
  policyViolations: PolicyViolation[];
  ok: boolean;
  /** what was compared, e.g. ["snapshot → migrations", "migrations → live database"] */
  comparisons: string[];
  snapshotFile?: string;
  policyFile?: string;
}

export const SNAPSHOT_VS_MIGRATIONS = 'snapshot → migrations';
export const MIGRATIONS_VS_LIVE = 'migrations → live database';

/**
 * The CI form: the schema the migrations produce (applied to a shadow) against the committed
 * snapshot, and against the live database when given; then the patient-data policy gates.
 */
export async function checkSchema(options: CheckSchemaOptions): Promise<SchemaCheckResult> {
  const snapshotFile = options.snapshotFile ?? (existsSync(join(options.migrationsDir, SNAPSHOT_FILENAME)) ? join(options.migrationsDir, SNAPSHOT_FILENAME) : undefined);
  if (!snapshotFile && !options.liveUrl) {
    throw new CliError(`Nothing to compare the migrations with: no ${SNAPSHOT_FILENAME} in ${options.migrationsDir} and no live database.`, ExitCode.Usage,
      'Create the snapshot with "medicalcor schema dump --out <migrations>/schema.snapshot.json", or pass --live.');
  }
  const snapshot = snapshotFile ? await readSnapshot(snapshotFile) : undefined;
  const policyFile = options.policyFile ?? policyFileFor(options.migrationsDir);
  const policy = policyFile ? await readPolicy(policyFile) : undefined;

  // the live database is read while the shadow is being prepared
  const livePromise: Promise<SchemaModel> | undefined = options.liveUrl ? introspectUrl(options.liveUrl) : undefined;
  livePromise?.catch(() => {});
  const migrations = await modelFromMigrations(options.migrationsDir, {
    cacheDir: options.cacheDir,
    shadowServerUrl: 'shadowServerUrl' in options ? options.shadowServerUrl : options.liveUrl,
    shadowMode: options.shadowMode,
    signal: options.signal,
    secrets: options.secrets,
    onNote: options.onNote,
  });
  const live = livePromise ? await livePromise : undefined;

  const provenance = new MigrationProvenance(options.migrationsDir, options.cwd);
  const differences: SchemaDifference[] = [];
  const comparisons: string[] = [];
  const collect = (found: SchemaDifference[], comparison: string) => {
    comparisons.push(comparison);
    for (const d of found) differences.push({ ...d, comparison, migration: provenance.lastTouching(d) });
  };
  if (snapshot) collect(diffModels(snapshot, migrations, { a: 'snapshot', b: 'migrations' }), SNAPSHOT_VS_MIGRATIONS);
  if (live) collect(diffModels(migrations, live, { a: 'migrations', b: 'live database' }), MIGRATIONS_VS_LIVE);

  const policyViolations = policy && policyFile
    ? [...evaluatePolicy(policy, migrations, 'migrations', policyFile), ...(live ? evaluatePolicy(policy, live, 'live database', policyFile) : [])]
    : [];
  return { differences: sortDifferences(differences), policyViolations, ok: differences.length === 0 && policyViolations.length === 0, comparisons, snapshotFile, policyFile };
}
