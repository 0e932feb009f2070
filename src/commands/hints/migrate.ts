/** CLI hints for the domain error codes of `medicalcor migrate`: code → what to run or pass next. */
export const migrateHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'migrate.dir-missing': () => 'Pass --migrations-dir, or set migrationsDir in medicalcor.config.yaml.',
  'migrate.lock-timeout': () => 'Wait for that run to finish, or raise --lock-timeout.',
  'migrate.unknown-target': () => 'Run "medicalcor migrate status" for the versions; --to takes one of them.',
  'migrate.target-not-applied': () =>
    'Run "medicalcor migrate status" for the applied versions; "--to 0" rolls back every migration.',
  'migrate.bad-target': () => 'For example: --to 20251201000002',
  'migrate.too-many': (facts) =>
    `Roll back at most ${String(facts.applied)}: "medicalcor migrate down ${String(facts.applied)}".`,
  'migrate.missing-file': () => 'Restore the file from version control first (git checkout -- <migrations dir>).',
  'migrate.bad-name': () => 'For example: medicalcor migrate new add_leads_source',
  'migrate.bad-ref': () =>
    'Pass a ref that exists here, e.g. --changed-since origin/main (fetch it first in a shallow checkout).',
  'migrate.bad-pg-version': () => 'For example: --pg-version 15',
  'migrate.baseline-behind': () =>
    'Run "medicalcor migrate status": baseline to the version before the first applied one, or use migrate up.',
  'migrate.interrupted': () => 'Run "medicalcor migrate status" to review, then "medicalcor migrate up" to continue.',
  'binary-missing': () => 'Run npm install (optional dependencies must not be omitted).',
};
