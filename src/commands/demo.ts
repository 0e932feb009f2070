import type { Command } from 'commander';
import { describeDatabaseChoice, defaultActor } from '../core/config/index.js';
import { migrateUp, migrationStatus, type MigrateDeps } from '../core/migrations/index.js';
import { displayPath, renderJson, startProgress, writeOut } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';

/**
 * The first command a new user runs: applies the MedicalCor schema to the embedded database
 * (or the configured one) and shows what the tool sees. Later capabilities add their part here.
 */
export function register(program: Command, context: () => CommandContext): void {
  program
    .command('demo')
    .description('apply the MedicalCor schema to the embedded database and show migrate status, a trace and readiness')
    .action(async () => {
      const ctx = context();
      ctx.label = 'medicalcor demo';
      const format = ctx.format(['table', 'json']);
      const human = format === 'table';
      const config = ctx.config();
      const db = await ctx.systems.database();
      const deps: MigrateDeps = {
        db,
        migrationsDir: config.migrationsDir,
        cwd: ctx.streams.cwd,
        signal: ctx.signal,
        secrets: ctx.io.secrets,
        actor: defaultActor(ctx.streams.env),
      };
      const progress = startProgress(
        { stderr: ctx.io.stderr, progress: ctx.io.progress ?? 'off', color: ctx.io.color },
        'applying migrations',
      );
      const result = await migrateUp({
        ...deps,
        onProgress: progress.shown ? (line) => progress.update(line) : undefined,
      }).finally(() => progress.stop());
      await ctx.recordAction({
        kind: 'migrate.up',
        summary: `demo applied ${result.applied.length} migrations`,
        outcome: 'succeeded',
      });
      const database = db.embedded
        ? `embedded (${displayPath(ctx.streams.cwd, config.embeddedDataDir)})`
        : describeDatabaseChoice(config).replace(/^database: /, '');
      if (human)
        writeOut(
          ctx.io,
          `== migrate up: ${result.applied.length} applied, now at version ${result.currentVersion ?? 'none'} on ` +
            `${database}`,
        );
      const status = await migrationStatus(deps);
      if (human) {
        writeOut(
          ctx.io,
          `== migrate status: ${status.migrations.length} migrations, ${status.pending.length} pending, ` +
            `${status.findings.length} finding(s)`,
        );
        for (const m of status.migrations) writeOut(ctx.io, `  ${m.state.padEnd(8)} ${m.filename}`);
      }

      // trace: a sample journey that fails at the HubSpot sync, loaded once, then its timeline
      const journey = await import('../core/journey/index.js');
      const sample = await journey.loadSampleJourney(db.pool, new Date(Date.now() - 15 * 60_000));
      const trace = await journey.traceJourney(
        { database: { pool: db.pool }, trigger: { skipped: 'the demo reads only the database' }, signal: ctx.signal },
        {
          correlationId: journey.SAMPLE_CORRELATION_ID,
          since: new Date(Date.now() - 86_400_000),
          timeoutMs: 10_000,
          limit: 1000,
        },
      );
      if (human) {
        const { renderTraceTable } = await import('./render/trace-table.js');
        writeOut(
          ctx.io,
          `\n== trace ${journey.SAMPLE_CORRELATION_ID}: ` +
            `${sample.loaded ? 'sample journey loaded' : 'sample journey already loaded'}`,
        );
        renderTraceTable(ctx.io, trace);
        writeOut(
          ctx.io,
          `\nTry: medicalcor trace ${journey.SAMPLE_CORRELATION_ID} --view waterfall, or --html report.html, or ` +
            'medicalcor trace --failed --since 1d',
        );
      }

      // readiness, after the database above is closed: the embedded one admits one process at a time
      await ctx.systems.close();
      const { buildCheckReport, runChecks } = await import('../checks/index.js');
      const { defaultCacheDir } = await import('../core/schema/index.js');
      const checking = startProgress(
        { stderr: ctx.io.stderr, progress: ctx.io.progress ?? 'off', color: ctx.io.color },
        'running the readiness checks',
      );
      const report = buildCheckReport(
        config.envName,
        await runChecks({
          config,
          cacheDir: defaultCacheDir(ctx.streams.env),
          signal: ctx.signal,
          env: ctx.streams.env,
          onProgress: (p) => checking.update(p ?? 'running the readiness checks'),
        }).finally(() => checking.stop()),
      );
      if (!human) {
        const { traceToJson } = await import('./render/trace-json.js');
        const migrations = status.migrations.map((m) => ({ filename: m.filename, state: m.state }));
        writeOut(
          ctx.io,
          renderJson({
            database: { embedded: db.embedded, source: config.databaseSource, shown: database },
            migrate: {
              applied: result.applied.length,
              currentVersion: result.currentVersion ?? null,
              migrations,
              pending: status.pending.length,
              findings: status.findings.length,
            },
            trace: { sampleLoaded: sample.loaded, ...traceToJson(trace) },
            check: report,
          }),
        );
        return;
      }
      const { renderCheckTable } = await import('./render/checks.js');
      writeOut(ctx.io, '\n== check: readiness of this environment (systems not configured are skipped)');
      renderCheckTable(ctx.io, report);
      writeOut(ctx.io, '\nTry: medicalcor check -o json, or --only database,migrations-pending; medicalcor sla list');
    });
}
