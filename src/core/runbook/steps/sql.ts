import { maskPii } from '../../redact.js';
import type { RenderedAction } from '../plan.js';
import { plainTable } from './plain-table.js';
import { timedOutAfter } from './timeout.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

/**
 * One statement in its own transaction with a statement timeout. In a dry run a mutating
 * statement runs and is rolled back, so the operator sees how many rows it would change.
 */
export async function runSql(action: Extract<RenderedAction, { kind: 'sql' }>, mutates: boolean, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  const db = await deps.database();
  const client = await db.pool.connect();
  let open = false;
  try {
    // A step that says it does not mutate runs read-only: the database enforces the declaration.
    await client.query(mutates ? 'begin' : 'begin transaction read only');
    open = true;
    await client.query(`set local statement_timeout = ${Math.max(1, Math.floor(run.timeoutMs))}`);
    const raw = await client.query(action.params.length ? { text: action.sql, values: action.params } : action.sql);
    const result = Array.isArray(raw) ? raw[raw.length - 1]! : raw;
    const dryRun = mutates && run.rollbackSql;
    await client.query(dryRun || !mutates ? 'rollback' : 'commit');
    open = false;
    const rows = (result.rows ?? []) as Record<string, unknown>[];
    const columns = (result.fields ?? []).map((f: { name: string }) => f.name);
    // Rows are shown and returned with patient data masked (name, phone, e-mail … columns and patterns).
    const shown = rows.slice(0, action.maxRows).map((row) => maskPii(JSON.parse(JSON.stringify(row))) as Record<string, unknown>);
    const parts: string[] = [];
    if (columns.length) parts.push(plainTable(shown, columns.map((name: string) => ({ header: name, value: (r: Record<string, unknown>) => r[name] }))));
    const count = result.rowCount ?? rows.length;
    if (mutates) parts.push(dryRun ? `would change ${count} row(s) (rolled back)` : `changed ${count} row(s)`);
    else parts.push(`(${rows.length} row${rows.length === 1 ? '' : 's'}${rows.length > shown.length ? `, first ${shown.length} shown` : ''})`);
    const first = rows[0];
    return {
      ok: true,
      output: parts.join('\n'),
      rows: mutates ? count : rows.length,
      value: first && columns.length ? first[columns[0]!] : undefined,
      data: { rowCount: count, rows: shown, truncated: rows.length > shown.length },
    };
  } catch (error) {
    if (open) await client.query('rollback').catch(() => {});
    const e = error as { message?: string; code?: string };
    const timedOut = e.code === '57014';
    return { ok: false, output: '', error: timedOut ? `${timedOutAfter(run.timeoutMs)} (statement cancelled, rolled back)` : `${e.message ?? String(error)}${e.code ? ` (SQLSTATE ${e.code})` : ''}`, timedOut, interrupted: run.signal.aborted };
  } finally {
    client.release();
  }
}
