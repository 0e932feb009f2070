import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { dbmateError, readMigrationsDir, runDbmate, type Finding } from '../migrations/index.js';
import { interrupted } from '../errors.js';
import { diffModels, type SchemaDifference } from './diff.js';
import { displayName } from './model.js';
import { openShadow } from './shadow.js';
import { introspectUrl, type LoadDeps } from './sources.js';

export interface RoundtripOptions extends LoadDeps {
  migrationsDir: string;
  cwd: string;
}

export interface RoundtripProblem {
  /** the migration file, relative to the working directory */
  file: string;
  version: string;
  /** the step that failed: its up, its down, or its up applied again after the down */
  stage: 'up' | 'down' | 'up again';
  message: string;
  /** what the down left behind or took away (stage "down"), or how the second up differs (stage "up again") */
  differences: SchemaDifference[];
}

export interface RoundtripResult {
  checked: number;
  problems: RoundtripProblem[];
  shadow: string;
}

const listed = (items: string[]) =>
  `${items.slice(0, 3).join('; ')}${items.length > 3 ? `; and ${items.length - 3} more` : ''}`;

/** What a down section got wrong about one object, e.g. "index notes_body_idx left behind". */
function leftByDown(d: SchemaDifference): string {
  const object = `${d.kind} ${displayName(d.name)}`;
  if (d.change === 'added') return `${object} left behind`;
  if (d.change === 'removed') return `${object} dropped and not restored`;
  return d.summary.replace(/^[^:]*: /, `${object} not restored: `);
}

/**
 * On a shadow database, applies each migration up, then down, then up again, and reports any
 * migration whose down does not return the schema to what it was before its up. Migrations are
 * added to a scratch directory one at a time, so dbmate's rollback always undoes the one in hand.
 */
export async function verifyRoundtrip(options: RoundtripOptions): Promise<RoundtripResult> {
  const files = readMigrationsDir(options.migrationsDir).files;
  const scratch = mkdtempSync(join(tmpdir(), 'medicalcor-roundtrip-'));
  const shadow = await openShadow({
    serverUrl: options.shadowServerUrl,
    cacheDir: options.cacheDir,
    mode: options.shadowMode,
    onNote: options.onNote,
  });
  const problems: RoundtripProblem[] = [];
  let checked = 0;
  try {
    const dbmate = async (command: 'migrate' | 'rollback') => {
      const result = await runDbmate(command, {
        url: shadow.url,
        migrationsDir: scratch,
        signal: options.signal,
        secrets: options.secrets,
      });
      if (result.interrupted || options.signal?.aborted)
        throw interrupted('Interrupted; the shadow database was removed.', { code: 'schema.interrupted' });
      return result.ok ? undefined : dbmateError(result);
    };
    let before = await introspectUrl(shadow.url);
    for (const migration of files) {
      const file = relative(options.cwd, migration.path) || migration.path;
      const problem = (stage: RoundtripProblem['stage'], message: string, differences: SchemaDifference[] = []) =>
        problems.push({ file, version: migration.version, stage, message, differences });
      copyFileSync(migration.path, join(scratch, migration.filename));
      checked++;

      let error = await dbmate('migrate');
      if (error) {
        problem('up', `up failed: ${error}`);
        break;
      }
      const after = await introspectUrl(shadow.url);

      error = await dbmate('rollback');
      if (error) {
        problem('down', `down failed: ${error}`);
        break;
      }
      const undone = diffModels(before, await introspectUrl(shadow.url), { a: 'before up', b: 'after down' });
      if (undone.length) problem('down', `down does not undo up: ${listed(undone.map(leftByDown))}`, undone);

      error = await dbmate('migrate');
      if (error) {
        problem('up again', `up fails after down: ${error}`);
        break;
      }
      const again = await introspectUrl(shadow.url);
      const redone = diffModels(after, again, { a: 'first up', b: 'second up' });
      if (redone.length)
        problem('up again', `up after down gives a different schema: ${listed(redone.map((d) => d.summary))}`, redone);
      before = again;
    }
    return { checked, problems, shadow: shadow.description };
  } finally {
    await shadow.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Roundtrip problems as migration findings, for `migrate verify`. */
export function roundtripFindings(result: RoundtripResult): Finding[] {
  return result.problems.map((p) => ({
    code: p.stage === 'down' ? 'roundtrip-down' : p.stage === 'up' ? 'roundtrip-up' : 'roundtrip-up-again',
    severity: 'error' as const,
    message: p.message,
    file: p.file,
    version: p.version,
    hint: p.stage === 'down' ? 'Make the down section undo exactly what the up section does.' : undefined,
  }));
}
