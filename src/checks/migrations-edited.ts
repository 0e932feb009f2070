import { fail, pass, type Check } from './types.js';

export const migrationsEditedCheck: Check = {
  id: 'migrations-edited',
  title: 'Applied migrations unedited',
  required: true,
  async run(ctx) {
    const status = await ctx.migrationStatus();
    const problems = status.findings.filter(
      (f) => f.severity === 'error' && (f.code === 'edited' || f.code === 'missing-file'),
    );
    if (problems.length === 0)
      return pass(`${status.appliedFiles.length} applied migrations match their recorded checksums`);
    return fail(
      problems.map((f) => f.message).join(' '),
      problems[0]!.hint ?? 'Run "medicalcor migrate verify" for details.',
    );
  },
};
