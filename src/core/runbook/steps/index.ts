import { z } from 'zod';
import type { RenderedOf } from './kind.js';
import { manualKind } from './manual.js';
import { nonEmpty, PROBE_KINDS } from './probes.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';
import { waitKind } from './wait.js';

/**
 * THE registry of step kinds. A kind is one module in this folder (schema, rules, render,
 * describe, run, undo, dry-run behaviour; see kind.ts) and one entry in a list: PROBE_KINDS
 * (probes.ts) for kinds that can also be a verify or wait condition, OTHER_KINDS below for the rest.
 */
export const OTHER_KINDS = [manualKind, waitKind] as const;

export const STEP_KINDS = [...PROBE_KINDS, ...OTHER_KINDS] as const;
/** kinds a rollback may use: everything but wait */
const ROLLBACK_KINDS = STEP_KINDS.filter((k) => k.kind !== 'wait');

export type StepKindName = (typeof STEP_KINDS)[number]['kind'];
export type RenderedAction = RenderedOf<(typeof STEP_KINDS)[number]>;

export function stepKind(kind: string) {
  const found = STEP_KINDS.find((k) => k.kind === kind);
  if (!found) throw new Error(`no step kind "${kind}"`);
  return found;
}

export const kindNames = (): string[] => STEP_KINDS.map((k) => k.kind);

export const rollbackSchema = z.discriminatedUnion('kind', nonEmpty(ROLLBACK_KINDS.map((k) => k.rollback)));
export type RollbackAction = z.infer<typeof rollbackSchema>;

/** Runs one rendered action with its kind. Never throws for a failure of the step itself. */
export function runAction(
  action: { kind: string },
  mutates: boolean,
  deps: StepDeps,
  run: ActionRun,
): Promise<ActionResult> {
  return stepKind(action.kind).run(action, mutates, deps, run);
}

export * from './types.js';
export { unmet } from './expect.js';
export { sleep } from './timeout.js';
export { expectSchema, type Expectation } from './fields.js';
export { probeSchema, nonEmpty, type ProbeAction, type RenderedProbe } from './probes.js';
export { renderProbe, describeProbe } from './wait.js';
