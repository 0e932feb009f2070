import { z } from 'zod';
import { durationMs as parseDuration } from '../../time/index.js';
import { fill } from '../template.js';
import { DURATION } from './fields.js';
import { defineStepKind } from './kind.js';
import { plainTable } from './plain-table.js';
import { stepFailure, withTimeout } from './timeout.js';

interface BreakerRow {
  name?: string;
  state?: string;
  failures?: number;
}

/** The shared circuit breakers: list, force open for a while (undone by a reset), reset. */
export const breakerKind = defineStepKind({
  kind: 'breaker',
  schema: z.object({
    kind: z.literal('breaker'),
    action: z.enum(['list', 'open', 'reset']),
    name: z.string().optional(),
    /** how long an opened breaker stays open: a duration, or a {{parameter}} holding one */
    for: z
      .string()
      .regex(new RegExp(`${DURATION.source}|\\{\\{`), 'must be a duration such as 30s, 10m or 1h (or a {{parameter}})')
      .optional(),
    reason: z.string().optional(),
  }),
  defaultTimeout: '10s',
  dryRun: 'show',
  check: (action) =>
    action.action !== 'list' && !action.name
      ? [{ field: 'name', message: `is required for breaker ${action.action}` }]
      : [],
  automaticUndo: (action) => (action.action === 'open' ? 'reset' : undefined),
  render: (action, vars) => ({
    kind: 'breaker' as const,
    action: action.action,
    name: action.name ? fill(action.name, vars) : undefined,
    forMs: action.for ? parseDuration(fill(action.for, vars)) : undefined,
    reason: action.reason ? fill(action.reason, vars) : undefined,
  }),
  describe: (r) =>
    `breaker ${r.action}${r.name ? ` ${r.name}` : ''}${r.forMs ? ` for ${r.forMs / 1000}s` : ''}` +
    (r.reason ? ` (reason: ${r.reason})` : ''),
  async run(action, _mutates, deps, run) {
    try {
      const store = await deps.breakers();
      if (action.action === 'list') {
        const breakers = (await withTimeout(store.list(), run)) as BreakerRow[];
        const open = breakers.filter((b) => b.state && b.state !== 'closed');
        const table = breakers.length
          ? plainTable(breakers, [
              { header: 'BREAKER', value: (b) => b.name },
              { header: 'STATE', value: (b) => b.state },
              { header: 'FAILURES', value: (b) => b.failures },
            ])
          : '(no breakers)';
        return {
          ok: true,
          output: `${table}\n(${open.length} not closed)`,
          rows: breakers.length,
          value: open.length,
          data: breakers,
        };
      }
      if (action.action === 'open') {
        const forMs = action.forMs ?? 600_000;
        await withTimeout(
          store.forceOpen(action.name!, { forMs, reason: action.reason ?? 'runbook', actor: deps.actor }),
          run,
        );
        return {
          ok: true,
          output: `breaker ${action.name} forced open for ${Math.round(forMs / 1000)}s`,
          undo: { kind: 'breaker', action: 'reset', name: action.name },
        };
      }
      await withTimeout(store.reset(action.name!, { actor: deps.actor }), run);
      return { ok: true, output: `breaker ${action.name} reset (closed)` };
    } catch (error) {
      return stepFailure(`breaker ${action.action}: `, error);
    }
  },
});
