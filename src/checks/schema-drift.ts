import { checkSchema } from '../core/schema/index.js';
import { plural } from './support.js';
import { fail, pass, skip, type Check } from './types.js';

export const schemaDriftCheck: Check = {
  id: 'schema-drift',
  title: 'Live schema matches the migrations',
  required: true,
  // the migrations are applied to a throw-away database first
  timeoutMs: 90_000,
  async run(ctx) {
    const status = await ctx.migrationStatus();
    if (status.pending.length)
      return skip(
        `not compared: ${plural(status.pending.length, 'migration is', 'migrations are')} pending, so the schema ` +
          'differs by design',
        'Apply them first (see migrations-pending).',
      );
    const db = await ctx.database();
    const result = await checkSchema({
      migrationsDir: ctx.config.migrationsDir,
      liveUrl: db.url,
      shadowMode: db.embedded ? 'embedded' : 'auto',
      cwd: ctx.config.projectDir,
      cacheDir: ctx.cacheDir,
      signal: ctx.signal,
      secrets: ctx.config.secrets,
    });
    if (result.ok) return pass(`no drift (${result.comparisons.join('; ')})`);
    const shown = result.differences
      .slice(0, 3)
      .map((d) => `${d.summary}${d.comparison ? ` (${d.comparison})` : ''}`)
      .join('; ');
    const parts = [
      result.differences.length
        ? `${plural(result.differences.length, 'difference')}: ${shown}${result.differences.length > 3 ? '; …' : ''}`
        : '',
      result.policyViolations.length
        ? `${plural(result.policyViolations.length, 'patient-data policy violation')}`
        : '',
    ].filter(Boolean);
    return fail(
      parts.join('; '),
      'Run "medicalcor schema check" for the full diff; put hand-made changes into a migration, or revert them.',
    );
  },
};
