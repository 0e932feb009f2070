import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conflict, invalidInput } from '../errors.js';
import { newVersion, readMigrationsDir } from './files.js';

/**
 * Writes `VERSION_name.sql` from the template, with a version newer than every existing file (so
 * it never lands out of order), and never over an existing file.
 */
export function createMigrationFile(
  dir: string,
  name: string,
  templatePath: string,
  now = new Date(),
): { version: string; path: string } {
  if (!/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    throw invalidInput(`Migration name "${name}" must be lower-case letters, digits and underscores.`, {
      code: 'migrate.bad-name',
      facts: { name },
      remedy: 'For example: add_leads_source',
    });
  }
  const existing = readMigrationsDir(dir);
  let version = newVersion(now);
  while (existing.files.some((f) => f.version >= version)) version = String(BigInt(version) + 1n);
  const path = join(dir, `${version}_${name}.sql`);
  if (existsSync(path)) throw conflict(`${path} already exists.`, { code: 'migrate.file-exists', facts: { path } });
  writeFileSync(path, readFileSync(templatePath, 'utf8'), { flag: 'wx' });
  return { version, path };
}
