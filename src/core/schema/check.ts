import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../errors.js';
import type { EventRegistry } from '../events/registry.js';
import { behaviourViolations } from './behaviours.js';
import { diffModels, sortDifferences, type SchemaDifference } from './diff.js';
import type { SchemaModel } from './model.js';
import { evaluatePolicy, policyFileFor, readPolicy, type PolicyViolation } from './policy.js';
import { MigrationProvenance } from './provenance.js';
import type { ShadowMode } from './shadow.js';
import { introspectUrl, readMigrationsSchema } from './sources.js';
import type { SampleEventsResult } from './sample-events.js';
import { readSnapshot, SNAPSHOT_FILENAME } from './snapshot.js';

export interface CheckSchemaOptions {
  migrationsDir: string;
  /** default: schema.snapshot.json beside the migrations, compared only if it exists */
  snapshotFile?: string;
  /** the environment's database, compared with what the migrations produce */
  liveUrl?: string;
  cwd: string;
  signal?: AbortSignal;
  /** where the prepared PGlite shadow and the model cache are kept: defaultCacheDir(env) */
  cacheDir: string;
  /**
   * a server on which the shadow database may be created; when not given at all: liveUrl's
   * server; undefined: the embedded PGlite
   */
  shadowServerUrl?: string;
  shadowMode?: ShadowMode;
  /** default: patient-data-policy.yaml beside the migrations, if it exists */
  policyFile?: string;
  secrets?: readonly string[];
  onNote?: (line: string) => void;
  /** long phases, for a spinner */
  onProgress?: (text: string) => void;
  /** reuse the model cached for the same migration files and engine (default: yes) */
  useCache?: boolean;
  /**
   * events loaded into the shadow after the migrations and checked against the registry (the
   * CLI passes sampleEventsFileFor(migrationsDir) when no file is named); none by default, so a
   * caller such as the readiness check keeps a cached, shadow-free comparison
   */
  sampleEventsFile?: string;
  /** what the sample events are checked against (default: the platform's registry), and its name */
  eventRegistry?: { registry: EventRegistry; source: string };
}

export interface SchemaCheckResult {
  /** drift: what makes the check fail */
  differences: SchemaDifference[];
  /** reported, not failing: column order (unless the policy makes it drift) */
  notes: SchemaDifference[];
  policyViolations: PolicyViolation[];
  ok: boolean;
  /** what was compared, e.g. ["snapshot → migrations", "migrations → live database"] */
  comparisons: string[];
  snapshotFile?: string;
  policyFile?: string;
  /** behaviours of the policy proved in the shadow */
  behavioursProved: number;
  /** the shadow's model came from the cache: no database was started */
  fromCache: boolean;
  /** the sample events check, when sample events were given; a problem in it fails the check */
  sampleEvents?: SampleEventsResult & { registry: string };
  /** the models compared, for a caller that wants fix SQL */
  models: { migrations: SchemaModel; snapshot?: SchemaModel; live?: SchemaModel };
}

export const SNAPSHOT_VS_MIGRATIONS = 'snapshot → migrations';
export const MIGRATIONS_VS_LIVE = 'migrations → live database';

/**
 * The CI form: the schema the migrations produce (applied to a shadow, or cached) against the
 * committed snapshot, and against the live database when given; then the patient-data policy
 * gates, catalog rules on both and behaviours proved in the shadow.
 */
export async function checkSchema(options: CheckSchemaOptions): Promise<SchemaCheckResult> {
  const besideMigrations = join(options.migrationsDir, SNAPSHOT_FILENAME);
  const snapshotFile = options.snapshotFile ?? (existsSync(besideMigrations) ? besideMigrations : undefined);
  if (!snapshotFile && !options.liveUrl) {
    throw invalidInput(
      `Nothing to compare the migrations with: no ${SNAPSHOT_FILENAME} in ${options.migrationsDir} ` +
        'and no live database.',
      {
        code: 'schema.nothing-to-compare',
        facts: { migrationsDir: options.migrationsDir },
        remedy: 'Create the snapshot beside the migrations, or compare with the live database.',
      },
    );
  }
  const snapshot = snapshotFile ? await readSnapshot(snapshotFile) : undefined;
  const policyFile = options.policyFile ?? policyFileFor(options.migrationsDir);
  const policy = policyFile ? await readPolicy(policyFile) : undefined;

  const sampleFile = options.sampleEventsFile;
  // read (and each line validated) before a shadow is started
  const samples = sampleFile ? await import('./sample-events.js') : undefined;
  const sample = sampleFile ? samples!.readSampleEvents(sampleFile) : undefined;
  let sampleEvents: SchemaCheckResult['sampleEvents'];
  const inShadow = sample
    ? async (url: string) => {
        const against = options.eventRegistry ?? {
          registry: (await import('../../events/index.js')).platformEvents(),
          source: 'platform',
        };
        options.onProgress?.('checking the sample events in the shadow');
        const result = await samples!.checkSampleEvents(url, sample, against.registry, options.signal);
        sampleEvents = { ...result, registry: against.source };
      }
    : undefined;

  // the live database is read while the shadow is being prepared
  const livePromise: Promise<SchemaModel> | undefined = options.liveUrl ? introspectUrl(options.liveUrl) : undefined;
  livePromise?.catch(() => {});
  const migrations = await readMigrationsSchema(
    options.migrationsDir,
    {
      cacheDir: options.cacheDir,
      shadowServerUrl: 'shadowServerUrl' in options ? options.shadowServerUrl : options.liveUrl,
      shadowMode: options.shadowMode,
      signal: options.signal,
      secrets: options.secrets,
      onNote: options.onNote,
      onProgress: options.onProgress,
      useCache: options.useCache,
      inShadow,
    },
    policy?.behaviours ?? [],
  );
  if (livePromise) options.onProgress?.('introspecting the live database');
  const live = livePromise ? await livePromise : undefined;

  const provenance = new MigrationProvenance(options.migrationsDir, options.cwd);
  const found: SchemaDifference[] = [];
  const comparisons: string[] = [];
  const collect = (differences: SchemaDifference[], comparison: string) => {
    comparisons.push(comparison);
    for (const d of differences) {
      const origin = provenance.createdBy(d);
      found.push({ ...d, comparison, migration: origin?.file, line: origin?.line });
    }
  };
  if (snapshot)
    collect(diffModels(snapshot, migrations.model, { a: 'snapshot', b: 'migrations' }), SNAPSHOT_VS_MIGRATIONS);
  if (live) collect(diffModels(migrations.model, live, { a: 'migrations', b: 'live database' }), MIGRATIONS_VS_LIVE);

  const orderIsDrift = policy?.columnOrder === 'drift';
  const differences = found.filter((d) => !d.note || orderIsDrift).map((d) => (d.note ? { ...d, note: false } : d));
  const notes = found.filter((d) => d.note && !orderIsDrift);
  const policyViolations =
    policy && policyFile
      ? [
          ...evaluatePolicy(policy, migrations.model, 'migrations', policyFile),
          ...behaviourViolations(migrations.behaviours ?? [], 'migrations (proved in the shadow)', policyFile),
          ...(live ? evaluatePolicy(policy, live, 'live database', policyFile) : []),
        ]
      : [];
  return {
    differences: sortDifferences(differences),
    notes: sortDifferences(notes),
    policyViolations,
    ok: differences.length === 0 && policyViolations.length === 0 && !sampleEvents?.report.problem,
    comparisons,
    snapshotFile,
    policyFile,
    behavioursProved: migrations.behaviours?.length ?? 0,
    fromCache: migrations.fromCache,
    sampleEvents,
    models: { migrations: migrations.model, snapshot, live },
  };
}
