import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { note, usageError } from '../../cli-kit/index.js';
import { checkSchema, fixSql, SNAPSHOT_FILENAME } from '../../core/schema/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderCheck } from '../render/schema.js';
import { loadDeps, progressFor, type ShadowOptions } from './shared.js';

export interface Options extends ShadowOptions {
  live?: boolean;
  snapshot?: string;
  /** with --live: print the SQL turning the live database into what the migrations produce */
  sql?: boolean;
}

export async function run(ctx: CommandContext, options: Options): Promise<void> {
  ctx.label = 'medicalcor schema check';
  if (options.sql && !options.live)
    throw usageError(
      '--sql needs --live: it prints the SQL turning the live database into the migrations.',
      'Add --live.',
    );
  const format = ctx.format(options.sql ? ['table', 'json'] : ['table', 'json', 'github']);
  const config = ctx.config();
  let snapshotFile: string | undefined = resolve(
    ctx.streams.cwd,
    options.snapshot ?? join(config.migrationsDir, SNAPSHOT_FILENAME),
  );
  if (!options.snapshot && options.live && !existsSync(snapshotFile)) {
    note(
      ctx.io,
      `note: no ${SNAPSHOT_FILENAME} beside the migrations; comparing the migrations with the live database only`,
    );
    snapshotFile = undefined;
  }
  const db = options.live ? await ctx.systems.database() : undefined;
  const progress = progressFor(ctx);
  const deps = loadDeps(ctx, options, progress.onProgress);
  const result = await checkSchema({
    migrationsDir: config.migrationsDir,
    snapshotFile,
    liveUrl: db?.url,
    cwd: ctx.streams.cwd,
    signal: ctx.signal,
    cacheDir: deps.cacheDir,
    shadowServerUrl: db?.embedded ? undefined : config.databaseUrl,
    shadowMode: options.shadow,
    secrets: ctx.io.secrets,
    onNote: deps.onNote,
    onProgress: deps.onProgress,
    useCache: deps.useCache,
  }).finally(progress.stop);
  const fix = options.sql && result.models.live ? fixSql(result.models.migrations, result.models.live) : undefined;
  renderCheck(ctx.io, ctx.streams.cwd, format, result, fix);
  if (fix && format !== 'json') {
    note(
      ctx.io,
      `${fix.length} statement(s), ${fix.filter((s) => s.destructive).length} destructive; ${result.differences.length} difference(s), ${result.policyViolations.length} policy violation(s)`,
    );
  }
  ctx.exitCode = exitCodeFor({ problem: !result.ok });
}
