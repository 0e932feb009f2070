/** CLI hints for the domain error codes of `medicalcor schema`: code → what to run or pass next. */
export const schemaHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'schema.snapshot-invalid': () => 'Regenerate it with "medicalcor schema dump --out FILE".',
  'schema.snapshot-missing': () =>
    'Create it with "medicalcor schema dump --out FILE" and commit it next to the migrations.',
  'schema.nothing-to-compare': () =>
    'Create the snapshot with "medicalcor schema dump --out <migrations>/schema.snapshot.json", or pass --live.',
  'schema.shadow-server-missing': () => 'Pass --database-url or --env, or use --shadow embedded.',
  'schema.shadow-server-unfit': () => 'Use --shadow embedded.',
  'schema.migrations-do-not-apply': () => 'Fix the failing migration; "medicalcor migrate lint" may point at it.',
  'schema.shadow-start': (facts) =>
    `Remove the prepared template in ${String(facts.cacheDir)} to prepare it afresh, or pass --shadow server with a ` +
    'database.',
  'schema.policy-invalid': () => 'See docs/schema.md for the policy format.',
};
