import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUERIES } from './catalog-queries.js';
import type { BehaviourResult } from './behaviours.js';
import type { SchemaModel } from './model.js';
import { parseSnapshot, serializeSnapshot } from './snapshot.js';

/** Bumped when buildModel reads the catalog differently: every cached model is then stale. */
const MODEL_FORMAT = 3;
/** Entries kept per cache directory: old ones (other branches' migrations) are removed. */
const KEEP = 32;

interface CacheEntry {
  format: number;
  engine: string;
  snapshot: string;
  /** behaviour results by the hash of the behaviours proved */
  behaviours: Record<string, BehaviourResult[]>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The key of the model the migrations in `dir` produce on `engine`: every *.sql file's name and
 * bytes, the engine and its version, and the catalog queries (any change gives another key).
 */
export function migrationsKey(dir: string, engine: string): string {
  const hash = createHash('sha256');
  hash.update(`format ${MODEL_FORMAT}\0engine ${engine}\0queries ${sha(JSON.stringify(QUERIES))}\0`);
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort()) {
    hash.update(`${name}\0${sha(readFileSync(join(dir, name), 'utf8'))}\0`);
  }
  return hash.digest('hex');
}

export const behavioursKey = (behaviours: unknown) => sha(JSON.stringify(behaviours));

export class ModelCache {
  private readonly dir: string;

  constructor(cacheDir: string) {
    this.dir = join(cacheDir, 'schema-models');
  }

  private file(key: string) {
    return join(this.dir, `${key}.json`);
  }

  private read(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as CacheEntry;
      return entry.format === MODEL_FORMAT ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  async model(key: string): Promise<SchemaModel | undefined> {
    const entry = this.read(key);
    // a damaged entry is a miss: the shadow runs again and rewrites it
    return entry ? parseSnapshot(entry.snapshot, this.file(key)).catch(() => undefined) : undefined;
  }

  behaviours(key: string, behavioursHash: string): BehaviourResult[] | undefined {
    return this.read(key)?.behaviours[behavioursHash];
  }

  /** Written by one rename: a reader never sees half an entry. */
  store(
    key: string,
    engine: string,
    model: SchemaModel,
    behaviours?: { hash: string; results: BehaviourResult[] },
  ): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const previous = this.read(key);
      const entry: CacheEntry = {
        format: MODEL_FORMAT,
        engine,
        snapshot: serializeSnapshot(model),
        behaviours: { ...previous?.behaviours, ...(behaviours ? { [behaviours.hash]: behaviours.results } : {}) },
      };
      const tmp = `${this.file(key)}.${process.pid}`;
      writeFileSync(tmp, JSON.stringify(entry));
      renameSync(tmp, this.file(key));
      this.prune();
    } catch {
      // a cache that cannot be written costs time on the next run, nothing else
    }
  }

  private prune(): void {
    const files = readdirSync(this.dir)
      .filter((n) => n.endsWith('.json'))
      .map((n) => join(this.dir, n));
    if (files.length <= KEEP) return;
    const byAge = files.map((f) => ({ f, t: statSync(f).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const { f } of byAge.slice(KEEP)) if (existsSync(f)) rmSync(f, { force: true });
  }
}
