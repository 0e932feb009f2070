import { redactSecrets } from '../redact.js';
import type { PlanContext } from './plan-context.js';
import type { RunbookStep } from './schema.js';
import { describeProbe, renderProbe, stepKind, type RenderedAction, type RenderedProbe } from './steps/index.js';
import type { Variables } from './template.js';

/**
 * An action with every value filled in: exactly what will run. Dry runs print it; real runs
 * execute it; the audit trail records it. Each kind renders and describes its own (steps/).
 */
export type { RenderedAction, RenderedProbe, PlanContext };
export { renderProbe };

export function renderAction(action: { kind: string }, vars: Variables, ctx: PlanContext): { kind: string } {
  return stepKind(action.kind).render(action, vars, ctx);
}

/** The rendered action as an operator reads it; secrets (the Trigger.dev key …) are masked. */
export function describeAction(action: { kind: string }, secrets: readonly string[] = []): string {
  return redactSecrets(stepKind(action.kind).describe(action), secrets);
}

export function describeRenderedProbe(probe: RenderedProbe, secrets: readonly string[] = []): string {
  return redactSecrets(describeProbe(probe), secrets);
}

/** A step as a listing shows it: plain data, no layout. */
export interface StepSummary {
  id: string;
  kind: string;
  title?: string;
  mutates: boolean;
  verify: boolean;
  /** how it is undone: its rollback's kind, or the automatic undo of its kind */
  rollback?: string;
}

export function describeStep(step: RunbookStep): StepSummary {
  const automatic = stepKind(step.kind).automaticUndo(step);
  return {
    id: step.id,
    kind: step.kind,
    title: step.title,
    mutates: step.mutates,
    verify: Boolean(step.verify),
    rollback: step.rollback?.kind ?? automatic,
  };
}
