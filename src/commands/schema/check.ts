import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { note, usageError } from '../../cli-kit/index.js';
import { checkSchema, fixSql, sampleEventsFileFor, SNAPSHOT_FILENAME } from '../../core/schema/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderCheck } from '../render/schema.js';
import { loadDeps, progressFor, type ShadowOptions } from './shared.js';

export interface Options extends ShadowOptions {
  live?: boolean;
  snapshot?: string;
  /** with --live: print the SQL turning the live database into what the migrations produce */
  sql?: boolean;
  /** events loaded into the shadow and checked (default: sample-events.jsonl beside the migrations) */
  sampleEvents?: string;
  /** check the sample events against a proposed registry instead of the shipped one */
  againstRegistry?: string;
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
  const sampleEventsFile = options.sampleEvents
    ? resolve(ctx.streams.cwd, options.sampleEvents)
    : sampleEventsFileFor(config.migrationsDir);
  if (options.againstRegistry && !sampleEventsFile)
    throw usageError(
      `--against-registry needs sample events: no --sample-events and no sample-events.jsonl in ${
        config.migrationsDir
      }.`,
      'Pass --sample-events FILE, or check a live store with "medicalcor events check --against-registry FILE".',
    );
  // loaded only when asked for: the registry's schemas are not needed by a check without it
  const eventRegistry = options.againstRegistry
    ? await (await import('../events/registry-source.js')).registryFor(ctx, options.againstRegistry)
    : undefined;
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
    sampleEventsFile,
    eventRegistry,
  }).finally(progress.stop);
  const fix = options.sql && result.models.live ? fixSql(result.models.migrations, result.models.live) : undefined;
  renderCheck(ctx.io, ctx.streams.cwd, format, result, fix);
  if (fix && format !== 'json') {
    note(
      ctx.io,
      `${fix.length} statement(s), ${fix.filter((s) => s.destructive).length} destructive; ` +
        `${result.differences.length} difference(s), ${result.policyViolations.length} policy violation(s)`,
    );
  }
  ctx.exitCode = exitCodeFor({ problem: !result.ok });
}
