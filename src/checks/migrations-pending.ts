import { plural } from './support.js';
import { fail, pass, type Check } from './types.js';

export const migrationsPendingCheck: Check = {
  id: 'migrations-pending',
  title: 'No pending migrations',
  required: true,
  async run(ctx) {
    const status = await ctx.migrationStatus();
    if (status.pending.length === 0)
      return pass(`database at version ${status.currentVersion ?? 'none'}, nothing pending`);
    const names = status.pending
      .slice(0, 3)
      .map((f) => f.filename)
      .join(', ');
    return fail(
      `${plural(status.pending.length, 'migration')} pending (${names}${status.pending.length > 3 ? ', …' : ''}); ` +
        `the database is at version ${status.currentVersion ?? 'none'}`,
      `Review with "medicalcor migrate plan", then apply with ` +
        `"medicalcor migrate up${ctx.config.envExplicit ? ` --env ${ctx.config.envName}` : ''}".`,
    );
  },
};
