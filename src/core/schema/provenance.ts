import { relative } from 'node:path';
import { readMigrationsDir } from '../migrations/index.js';
import { parentTable, type SchemaObject } from './model.js';

const stripComments = (sql: string) => sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mentions = (sql: string, word: string) => new RegExp(`(?<![a-z0-9_$])"?${escape(word.toLowerCase())}"?(?![a-z0-9_$])`).test(sql);

/** The last segment of a qualified name, without a function's argument list. */
const shortName = (name: string) => name.replace(/\(.*\)$/, '').split('.').at(-1)!;

/**
 * Which migration last touched an object, as far as the migrations' up sections tell: the last
 * file that names it (a column: names both its table and the column). Implicitly named objects
 * fall back to their table. Undefined when no file names it.
 */
export class MigrationProvenance {
  private readonly files: { shown: string; sql: string }[];

  constructor(migrationsDir: string, cwd: string) {
    this.files = readMigrationsDir(migrationsDir).files.map((f) => ({ shown: relative(cwd, f.path) || f.path, sql: stripComments(f.up?.sql ?? '') }));
  }

  lastTouching(object: Pick<SchemaObject, 'kind' | 'name'> & { table?: string }): string | undefined {
    const table = object.table ?? parentTable({ ...object, attrs: {} });
    const own = shortName(object.name);
    const tableName = table ? shortName(table) : undefined;
    const searches: string[][] = object.kind === 'column' ? [[tableName!, own]] : [[own]];
    if (tableName && object.kind !== 'column') searches.push([tableName]);
    for (const words of searches) {
      for (let i = this.files.length - 1; i >= 0; i--) {
        const file = this.files[i]!;
        if (words.every((w) => mentions(file.sql, w))) return file.shown;
      }
    }
    return undefined;
  }
}
