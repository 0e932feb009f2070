import type { Command } from 'commander';
import { migrateUp, migrationStatus, defaultActor } from '../core/migrations/index.js';
import { note, writeOut } from '../core/output/index.js';
import type { CommandContext } from './context.js';
import { describeDatabase, withDatabase } from './database.js';

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
        const deps = { db, migrationsDir: ctx.config().migrationsDir, cwd: ctx.streams.cwd, signal: ctx.signal, secrets: ctx.io.secrets, actor: defaultActor(ctx.streams.env), onProgress: (l: string) => note(ctx.io, l) };
        const result = await migrateUp(deps);
        writeOut(ctx.io, `== migrate up: ${result.applied.length} applied, now at version ${result.currentVersion ?? 'none'} on ${describeDatabase(ctx, db)}`);
        const status = await migrationStatus(deps);
        writeOut(ctx.io, `== migrate status: ${status.migrations.length} migrations, ${status.pending.length} pending, ${status.findings.length} finding(s)`);
        for (const m of status.migrations) writeOut(ctx.io, `  ${m.state.padEnd(8)} ${m.filename}`);
      });
    });
}
