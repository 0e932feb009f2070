import { join } from 'node:path';
import { startSpinner, note, type Spinner } from '../../cli-kit/index.js';
import {
  defaultCacheDir,
  detectSource,
  loadModel,
  SNAPSHOT_FILENAME,
  type LoadDeps,
  type SchemaModel,
  type SchemaSource,
  type ShadowMode,
} from '../../core/schema/index.js';
import type { CommandContext } from '../context.js';

export interface ShadowOptions {
  shadow: ShadowMode;
  cache?: boolean;
}

/**
 * Long phases reported by core, shown as a spinner on stderr when interactive (CI logs stay
 * clean). The spinner module is loaded only when a phase is reported.
 */
export function progressFor(ctx: CommandContext): { onProgress: (text: string) => void; stop: () => void } {
  let spinner: Promise<Spinner> | undefined;
  return {
    onProgress(text) {
      if (!ctx.io.interactive) return;
      if (!spinner) spinner = startSpinner(ctx.io, text);
      else void spinner.then((s) => s.update(text));
    },
    stop() {
      void spinner?.then((s) => s.stop());
    },
  };
}

export function loadDeps(ctx: CommandContext, options: ShadowOptions, onProgress?: (text: string) => void): LoadDeps {
  return {
    cacheDir: defaultCacheDir(ctx.streams.env),
    shadowServerUrl: ctx.config().databaseUrl,
    shadowMode: options.shadow,
    signal: ctx.signal,
    secrets: ctx.io.secrets,
    onNote: (line) => note(ctx.io, line),
    onProgress,
    useCache: options.cache !== false,
  };
}

/** A source argument: a URL, a directory, a file, or one of the words migrations / snapshot / live. */
export function resolveSource(ctx: CommandContext, arg: string): SchemaSource | 'live' {
  const migrationsDir = ctx.config().migrationsDir;
  if (arg === 'migrations') return { type: 'migrations', dir: migrationsDir, label: 'migrations' };
  if (arg === 'snapshot') return { type: 'snapshot', file: join(migrationsDir, SNAPSHOT_FILENAME), label: 'snapshot' };
  if (arg === 'live') return 'live';
  return detectSource(arg, ctx.streams.cwd);
}

/** Loads a source, opening the environment's (or the embedded) database for "live". */
export async function loadSource(
  ctx: CommandContext,
  source: SchemaSource | 'live',
  deps: LoadDeps,
): Promise<SchemaModel> {
  if (source !== 'live') return loadModel(source, deps);
  const db = await ctx.systems.database();
  deps.onProgress?.('introspecting the live database');
  return loadModel(
    { type: 'database', url: db.url, label: 'live database' },
    db.embedded ? { ...deps, shadowServerUrl: undefined } : deps,
  );
}

export const labelOf = (source: SchemaSource | 'live') => (source === 'live' ? 'live database' : source.label);
