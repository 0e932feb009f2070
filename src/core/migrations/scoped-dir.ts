import { copyFileSync, linkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationFile } from './files.js';

/**
 * A directory holding only the files up to and including version `to` (hard links, copies across
 * devices): dbmate has no target version, so `up --to` and a baseline's shadow give it this one.
 */
export function directoryUpTo(files: readonly MigrationFile[], to: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'medicalcor-upto-'));
  for (const f of files) {
    if (f.version > to) continue;
    try {
      linkSync(f.path, join(dir, f.filename));
    } catch {
      copyFileSync(f.path, join(dir, f.filename));
    }
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
