import { invalidInput, problemFound } from '../errors.js';
import type { MigrationFile } from './files.js';
import type { StatusReport } from './runner.js';

export interface PlanStep {
  version: string;
  filename: string;
  direction: 'up' | 'down';
  sql: string;
  /** `transaction:false`: dbmate runs it outside a transaction, so a failure can leave part of it */
  transactional: boolean;
}

export const stepOf = (f: MigrationFile, direction: 'up' | 'down'): PlanStep => {
  const section = direction === 'up' ? f.up : f.down;
  return {
    version: f.version,
    filename: f.filename,
    direction,
    sql: section?.sql.trim() ?? '',
    transactional: !/\btransaction:false\b/.test(section?.options ?? ''),
  };
};

/** A version as the operator typed it: digits only (a dbmate version), or "0" for "before the first". */
export function checkTargetVersion(to: string): string {
  if (!/^\d+$/.test(to)) {
    throw invalidInput(`Target version "${to}" is not a migration version (digits, e.g. 20240101000002).`, {
      code: 'migrate.bad-target',
      facts: { to },
    });
  }
  return to;
}

/** The pending migrations `up` would apply, all of them or those up to and including `to`. */
export function planUpFrom(status: StatusReport, to?: string): PlanStep[] {
  if (to !== undefined) {
    checkTargetVersion(to);
    const known = status.migrations.some((m) => m.version === to);
    if (!known) {
      throw invalidInput(`No migration has version ${to}.`, {
        code: 'migrate.unknown-target',
        facts: { to },
        remedy: 'Use a version listed by migrate status.',
      });
    }
  }
  return status.pending.filter((f) => to === undefined || f.version <= to).map((f) => stepOf(f, 'up'));
}

/** Applied migrations, oldest first (files missing from the directory included). */
const appliedOf = (status: StatusReport) =>
  status.migrations.filter((m) => m.state === 'applied' || m.state === 'missing-file');

function downSteps(undo: StatusReport['migrations']): PlanStep[] {
  return undo.reverse().map((m) => {
    if (!m.file) {
      throw problemFound(`Cannot roll back ${m.version}: its file is missing, so its down section is unknown.`, {
        code: 'migrate.missing-file',
        facts: { version: m.version },
        remedy: 'Restore the file from version control first.',
      });
    }
    if (!m.file.down || m.file.down.sql.trim() === '') {
      throw problemFound(`Cannot roll back ${m.file.filename}: it has no down section.`, {
        code: 'migrate.no-down',
        facts: { filename: m.file.filename },
      });
    }
    return stepOf(m.file, 'down');
  });
}

/** The down sections `down count` would run, newest first; refuses what cannot be rolled back. */
export function planDownFrom(status: StatusReport, count: number): PlanStep[] {
  const applied = appliedOf(status);
  if (count > applied.length) {
    throw invalidInput(`Cannot roll back ${count} migration(s): only ${applied.length} applied.`, {
      code: 'migrate.too-many',
      facts: { count, applied: applied.length },
    });
  }
  return downSteps(applied.slice(applied.length - count));
}

/** The down sections that bring the database back to version `to` (every applied one newer than it). */
export function planDownTo(status: StatusReport, to: string): PlanStep[] {
  checkTargetVersion(to);
  const applied = appliedOf(status);
  if (to !== '0' && !applied.some((m) => m.version === to)) {
    throw invalidInput(`Version ${to} is not applied, so the database cannot be rolled back to it.`, {
      code: 'migrate.target-not-applied',
      facts: { to },
      remedy: 'Use an applied version listed by migrate status, or 0 to roll back every migration.',
    });
  }
  return downSteps(applied.filter((m) => m.version > to));
}
