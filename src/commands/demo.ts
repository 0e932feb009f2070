import type { Command } from 'commander';
import { migrateUp, migrationStatus } from '../core/migrations/index.js';
import { writeOut } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';
import { describeDatabase, withDatabase } from './connections.js';
import { depsFor } from './migrate/deps.js';

/**
 * The first command a new user runs: applies the MedicalCor schema to the embedded database
 * (or the configured one) and shows what the tool sees. Later capabilities add their part here.
 */
export function register(program: Command, context: () => CommandContext): void {
  program
    .command('demo')
    .description('apply the MedicalCor schema to the embedded database and show migrate status')
    .action(async () => {
      const ctx = context();
      await withDatabase(ctx, 'demo', async (db) => {
        const deps = depsFor(ctx, db);
        const result = await migrateUp(deps);
        writeOut(ctx.io, `== migrate up: ${result.applied.length} applied, now at version ${result.currentVersion ?? 'none'} on ${describeDatabase(ctx, db)}`);
        const status = await migrationStatus(deps);
        writeOut(ctx.io, `== migrate status: ${status.migrations.length} migrations, ${status.pending.length} pending, ${status.findings.length} finding(s)`);
        for (const m of status.migrations) writeOut(ctx.io, `  ${m.state.padEnd(8)} ${m.filename}`);

        // trace: a sample journey that fails at the HubSpot sync, loaded once, then its timeline
        const journey = await import('../core/journey/index.js');
        const { renderTraceTable } = await import('./render/trace-table.js');
        const sample = await journey.loadSampleJourney(db.pool, new Date(Date.now() - 15 * 60_000));
        writeOut(ctx.io, `\n== trace ${journey.SAMPLE_CORRELATION_ID}: ${sample.loaded ? 'sample journey loaded' : 'sample journey already loaded'}`);
        const trace = await journey.traceJourney(
          { pool: db.pool, trigger: { skipped: 'the demo reads only the database' }, signal: ctx.signal },
          { correlationId: journey.SAMPLE_CORRELATION_ID, since: new Date(Date.now() - 86_400_000), timeoutMs: 10_000, limit: 1000 },
        );
        renderTraceTable(ctx.io, trace);
        writeOut(ctx.io, `\nTry: medicalcor trace ${journey.SAMPLE_CORRELATION_ID} --view waterfall, or --html report.html, or medicalcor trace --failed --since 1d`);
      });

      // readiness, after the database above is closed: the checks open their own connections
      const { buildCheckReport, runChecks } = await import('../checks/index.js');
      const { renderCheckTable } = await import('./render/checks.js');
      const { defaultCacheDir } = await import('../core/schema/index.js');
      writeOut(ctx.io, '\n== check: readiness of this environment (systems not configured are skipped)');
      renderCheckTable(ctx.io, buildCheckReport(ctx.config().envName, await runChecks({ config: ctx.config(), cacheDir: defaultCacheDir(ctx.streams.env), signal: ctx.signal })));
      writeOut(ctx.io, '\nTry: medicalcor check -o json, or --only database,migrations-pending; medicalcor sla list');
    });
}
