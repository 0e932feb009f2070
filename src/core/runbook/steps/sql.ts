import { z } from 'zod';
import { maskValue } from '../../mask/index.js';
import { fill } from '../template.js';
import { scalar } from './fields.js';
import { defineStepKind } from './kind.js';
import { plainTable } from './plain-table.js';
import { timedOutAfter } from './timeout.js';

// Functions whose effect escapes the transaction: a rolled-back dry run would still do it.
const NON_TRANSACTIONAL = new RegExp(
  `\\b(${[
    'pg_cancel_backend',
    'pg_terminate_backend',
    'dblink\\w*',
    'pg_notify',
    'nextval',
    'setval',
    'pg_advisory\\w*',
    'pg_reload_conf',
    'pg_rotate_logfile',
    'lo_\\w+',
    'pg_file_write',
  ].join('|')})\\s*\\(`,
  'i',
);

/**
 * One statement in its own transaction with a statement timeout. In a dry run a mutating
 * statement runs and is rolled back, so the operator sees how many rows it would change.
 */
export const sqlKind = defineStepKind({
  kind: 'sql',
  schema: z.object({
    kind: z.literal('sql'),
    sql: z
      .string()
      .min(1)
      .refine((sql) => !sql.includes('{{'), 'must not contain {{…}}: pass values as $1, $2 … with params'),
    /** values for $1, $2 …; templates allowed */
    params: z.array(scalar).default([]),
    maxRows: z.number().int().positive().max(10_000).default(50),
  }),
  defaultTimeout: '60s',
  dryRun: 'rolled-back',
  check(action, step) {
    const called = NON_TRANSACTIONAL.exec(action.sql)?.[1];
    if (!step || !called) return [];
    if (step.mutates && !step.dryRun)
      return [
        {
          field: 'sql',
          message: `calls ${called}(), whose effect a rolled-back dry run cannot undo; set dryRun: skip`,
        },
      ];
    if (!step.mutates)
      return [{ field: 'sql', message: `calls ${called}(), which changes things: set mutates: true and dryRun: skip` }];
    return [];
  },
  render: (action, vars) => ({
    kind: 'sql' as const,
    sql: action.sql,
    params: action.params.map((p) => fill(p, vars)),
    maxRows: action.maxRows,
  }),
  describe: (r) => `${r.sql.trim()}${r.params.length ? `\nparams: ${JSON.stringify(r.params)}` : ''}`,
  async run(action, mutates, deps, run) {
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
      const dryRun = mutates && run.dryRun;
      await client.query(dryRun || !mutates ? 'rollback' : 'commit');
      open = false;
      const rows = (result.rows ?? []) as Record<string, unknown>[];
      const columns = (result.fields ?? []).map((f: { name: string }) => f.name);
      // Rows are shown and returned with patient data masked (name, phone, e-mail … columns and patterns).
      const shown = rows
        .slice(0, action.maxRows)
        .map((row) => maskValue(JSON.parse(JSON.stringify(row))) as Record<string, unknown>);
      const parts: string[] = [];
      if (columns.length)
        parts.push(
          plainTable(
            shown,
            columns.map((name: string) => ({ header: name, value: (r: Record<string, unknown>) => r[name] })),
          ),
        );
      const count = result.rowCount ?? rows.length;
      if (mutates) parts.push(dryRun ? `would change ${count} row(s) (rolled back)` : `changed ${count} row(s)`);
      else
        parts.push(
          `(${rows.length} row${rows.length === 1 ? '' : 's'}` +
            `${rows.length > shown.length ? `, first ${shown.length} shown` : ''})`,
        );
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
      const message = timedOut
        ? `${timedOutAfter(run.timeoutMs)} (statement cancelled, rolled back)`
        : `${e.message ?? String(error)}${e.code ? ` (SQLSTATE ${e.code})` : ''}`;
      return { ok: false, output: '', error: message, timedOut, interrupted: run.signal.aborted };
    } finally {
      client.release();
    }
  },
});
