import { z } from 'zod';
import { durationMs as parseDuration } from '../../time/index.js';
import type { PlanContext } from '../plan-context.js';
import type { Variables } from '../template.js';
import { unmet } from './expect.js';
import { duration } from './fields.js';
import { defineStepKind } from './kind.js';
import { PROBE_KINDS, probeSchema, type ProbeAction, type RenderedProbe } from './probes.js';
import { sleep } from './timeout.js';

function probeKind(kind: string) {
  const found = PROBE_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`no probe kind "${kind}"`);
  return found;
}

export function renderProbe(probe: ProbeAction, vars: Variables, ctx: PlanContext): RenderedProbe {
  return { ...probeKind(probe.kind).render(probe, vars, ctx), expect: probe.expect };
}

export const describeProbe = (probe: RenderedProbe): string => probeKind(probe.kind).describe(probe);

/**
 * Polls its condition until the expectation holds or the step's timeout passes. A dry run reads
 * the condition a single time and reports it, without waiting for changes nobody made.
 */
export const waitKind = defineStepKind({
  kind: 'wait',
  schema: z.object({
    kind: z.literal('wait'),
    until: probeSchema,
    interval: duration.default('5s'),
  }),
  defaultTimeout: '5m',
  dryRun: 'show',
  check(action, step) {
    const issues = probeKind(action.until.kind)
      .check(action.until)
      .map((i) => ({ field: `until.${i.field}`, message: i.message }));
    if (step?.mutates) issues.push({ field: 'mutates', message: 'a wait step only reads; set mutates: false' });
    return issues;
  },
  render: (action, vars, ctx) => ({
    kind: 'wait' as const,
    until: renderProbe(action.until, vars, ctx),
    intervalMs: parseDuration(action.interval),
  }),
  describe: (r) =>
    `until (every ${r.intervalMs / 1000}s): ${describeProbe(r.until)}\nexpect: ${JSON.stringify(r.until.expect)}`,
  async run(action, _mutates, deps, run) {
    const deadline = Date.now() + run.timeoutMs;
    const until = action.until;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      const remaining = Math.max(1, deadline - Date.now());
      const result = await probeKind(until.kind).run(until, false, deps, {
        ...run,
        timeoutMs: Math.min(remaining, 30_000),
      });
      if (result.interrupted || run.signal.aborted)
        return { ...result, ok: false, interrupted: true, error: 'interrupted' };
      const why = unmet(until.expect, result);
      const checks = `${attempts} check${attempts === 1 ? '' : 's'}`;
      if (!why)
        return { ...result, ok: true, error: undefined, output: `${result.output}\ncondition holds (after ${checks})` };
      const probeFailed = !result.ok && until.expect.exitCode === undefined && until.expect.status === undefined;
      if (run.dryRun && probeFailed)
        return { ...result, ok: false, error: `cannot read the condition: ${result.error}` };
      if (run.dryRun) {
        return {
          ...result,
          ok: true,
          error: undefined,
          output:
            `${result.output}\ncondition does not hold yet: ${why} ` +
            `(a real run waits up to ${run.timeoutMs / 1000}s)`,
        };
      }
      if (Date.now() + action.intervalMs > deadline) {
        return {
          ...result,
          ok: false,
          timedOut: true,
          error: `condition still not met after ${Math.round(run.timeoutMs / 1000)}s (${checks}): ${why}`,
        };
      }
      await sleep(action.intervalMs, run.signal);
    }
  },
});
