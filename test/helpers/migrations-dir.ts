import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A migration file's text in dbmate's format. */
export const migration = (up: string, down: string) => `-- migrate:up\n${up}\n\n-- migrate:down\n${down}\n`;

/** A temporary migrations directory holding the given files (name → content). */
export function makeMigrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mc-migrations-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export const SMALL_SCHEMA = {
  '20240101000001_create_patients.sql': migration(
    'create table patients (id bigint primary key, name text);',
    'drop table patients;',
  ),
  '20240101000002_create_visits.sql': migration(
    'create table visits (id bigint primary key, patient_id bigint references patients(id));',
    'drop table visits;',
  ),
  '20240101000003_add_visits_note.sql': migration(
    'alter table visits add column note text;',
    'alter table visits drop column note;',
  ),
};
