import { z } from 'zod';
import { fill } from '../template.js';
import { defineStepKind } from './kind.js';
import { stepFailure, withTimeout } from './timeout.js';

/** One check of src/checks (what `medicalcor check` runs), against this run's environment. */
export const checkKind = defineStepKind({
  kind: 'check',
  schema: z.object({
    kind: z.literal('check'),
    check: z.string().min(1),
  }),
  defaultTimeout: '60s',
  dryRun: 'show',
  render: (action, vars) => ({ kind: 'check' as const, check: fill(action.check, vars) }),
  describe: (r) => `check ${r.check}`,
  async run(action, _mutates, deps, run) {
    try {
      const outcome = await withTimeout(deps.runCheck(action.check, run.signal), run);
      const ok = outcome.status !== 'fail';
      return {
        ok,
        output: `${outcome.status}: ${outcome.message}`,
        value: outcome.status,
        data: outcome,
        error: ok ? undefined : `check ${action.check} failed: ${outcome.message}`,
      };
    } catch (error) {
      return stepFailure(`check ${action.check}: `, error);
    }
  },
});
