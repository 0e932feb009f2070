import { relative } from 'node:path';
import { readMigrationsDir } from '../migrations/index.js';
import { parentTable, type SchemaObject } from './model.js';

/** Comments blanked out, line breaks kept, so line numbers still point into the file. */
const stripComments = (sql: string) =>
  sql
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/--[^\n]*/g, '')
    .toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (w: string) => `(?<![a-z0-9_$])"?${escape(w.toLowerCase())}"?(?![a-z0-9_$])`;
const mentions = (sql: string, w: string) => new RegExp(word(w)).test(sql);

/** The last segment of a qualified name, without a function's argument list. */
const shortName = (name: string) =>
  name
    .replace(/\(.*\)$/, '')
    .split('.')
    .at(-1)!;

/** Where an object comes from in the migrations: the file (relative to cwd) and 1-based line. */
export interface Origin {
  file: string;
  line?: number;
}

interface ScannedFile {
  shown: string;
  sql: string;
  lines: string[];
  startLine: number;
}

/**
 * Which migration created an object, and which last touched it, as far as the migrations' up
 * sections tell. Implicitly named objects fall back to their table. Undefined when no file names it.
 */
export class MigrationProvenance {
  private readonly files: ScannedFile[];

  constructor(migrationsDir: string, cwd: string) {
    this.files = readMigrationsDir(migrationsDir).files.map((f) => {
      const sql = stripComments(f.up?.sql ?? '');
      return { shown: relative(cwd, f.path) || f.path, sql, lines: sql.split('\n'), startLine: f.up?.startLine ?? 1 };
    });
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

  /**
   * The file and line that created the object: the first "CREATE … name" (a column: its line in
   * its table's CREATE TABLE, or "ADD COLUMN name"), else the first line naming it.
   */
  createdBy(object: Pick<SchemaObject, 'kind' | 'name'> & { table?: string }): Origin | undefined {
    const table = object.table ?? parentTable({ ...object, attrs: {} });
    const own = shortName(object.name);
    if (object.kind === 'column' && table) {
      const tableOrigin = this.find(
        new RegExp(
          `create\\s+(?:unlogged\\s+|foreign\\s+)?table\\s+` +
            `(?:if\\s+not\\s+exists\\s+)?(?:[\\w"]+\\.)?${word(shortName(table))}`,
        ),
      );
      if (tableOrigin) {
        const { file, index } = tableOrigin;
        const column = new RegExp(`(?:^|\\()\\s*${word(own)}\\s`);
        // the table's column list: up to the line that closes it
        for (let i = index; i < file.lines.length; i++) {
          if (column.test(file.lines[i]!)) return { file: file.shown, line: file.startLine + i };
          if (i > index && /^\s*\)/.test(file.lines[i]!)) break;
        }
      }
      const added = this.find(new RegExp(`add\\s+(?:column\\s+)?(?:if\\s+not\\s+exists\\s+)?${word(own)}`));
      if (added) return this.origin(added);
      return tableOrigin ? this.origin(tableOrigin) : undefined;
    }
    const created = this.find(new RegExp(`(?:create|constraint|add)\\b[^;]*?${word(own)}`));
    if (created) return this.origin(created);
    const named = this.find(new RegExp(word(own)));
    if (named) return this.origin(named);
    if (table) {
      const tableOrigin = this.find(new RegExp(`create\\s+[^;]*?table\\s+[^;]*?${word(shortName(table))}`));
      if (tableOrigin) return this.origin(tableOrigin);
    }
    return undefined;
  }

  private origin({ file, index }: { file: ScannedFile; index: number }): Origin {
    return { file: file.shown, line: file.startLine + index };
  }

  /** The first line (in file order) matching `pattern`. */
  private find(pattern: RegExp): { file: ScannedFile; index: number } | undefined {
    for (const file of this.files) {
      const index = file.lines.findIndex((l) => pattern.test(l));
      if (index >= 0) return { file, index };
    }
    return undefined;
  }
}
