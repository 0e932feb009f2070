import { hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../errors.js';

/** One section (`-- migrate:up` or `-- migrate:down`) of a dbmate file. */
export interface Section {
  sql: string;
  /** 1-based line in the file of the section's first SQL line */
  startLine: number;
  /** options after the marker, e.g. `transaction:false` */
  options: string;
}

export interface MigrationFile {
  version: string;
  name: string;
  filename: string;
  path: string;
  /** sha256 of the content with line endings normalized, so a CRLF checkout is not an "edit" */
  checksum: string;
  up?: Section;
  down?: Section;
  upCount: number;
  downCount: number;
}

export interface MigrationsDir {
  dir: string;
  files: MigrationFile[];
  /** *.sql files whose names dbmate would ignore */
  misnamed: string[];
}

const FILE_NAME = /^(\d+)_(.+)\.sql$/;
const MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

const normalized = (content: string) => (content.includes('\r') ? content.replace(/\r\n/g, '\n') : content);

export function checksumOf(content: string): string {
  // the one-shot hash: every `migrate` run hashes every file, and no Hash object is needed for one string
  return hash('sha256', normalized(content), 'hex');
}

export function parseMigration(path: string, filename: string, content: string): MigrationFile {
  const match = FILE_NAME.exec(filename)!;
  const lines = normalized(content).split('\n');
  const sections: { kind: 'up' | 'down'; section: Section; body: string[] }[] = [];
  lines.forEach((line, index) => {
    const marker = MARKER.exec(line.trim());
    if (marker) {
      sections.push({
        kind: marker[1] as 'up' | 'down',
        section: { sql: '', startLine: index + 2, options: marker[2]!.trim() },
        body: [],
      });
    } else {
      sections.at(-1)?.body.push(line);
    }
  });
  for (const s of sections) s.section.sql = s.body.join('\n');
  const ups = sections.filter((s) => s.kind === 'up');
  const downs = sections.filter((s) => s.kind === 'down');
  return {
    version: match[1]!,
    name: match[2]!,
    filename,
    path,
    checksum: checksumOf(content),
    up: ups[0]?.section,
    down: downs[0]?.section,
    upCount: ups.length,
    downCount: downs.length,
  };
}

/** Reads the migration files in version order (dbmate's order: by version as text). */
export function readMigrationsDir(dir: string): MigrationsDir {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw invalidInput(`Migrations directory not found: ${dir}`, {
      code: 'migrate.dir-missing',
      facts: { dir },
      remedy: 'Point the configuration at the migrations directory.',
    });
  }
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort();
  const files: MigrationFile[] = [];
  const misnamed: string[] = [];
  for (const filename of names) {
    if (!FILE_NAME.test(filename)) {
      misnamed.push(filename);
      continue;
    }
    const path = join(dir, filename);
    files.push(parseMigration(path, filename, readFileSync(path, 'utf8')));
  }
  files.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : a.filename.localeCompare(b.filename)));
  return { dir, files, misnamed };
}

/** A timestamp version like dbmate's: YYYYMMDDHHMMSS in UTC. */
export function newVersion(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
