import type { z } from 'zod';
import { expectSchema, stepFields } from './fields.js';
import type { PlanContext } from '../plan-context.js';
import type { Variables } from '../template.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

/** The step-level settings a kind's rules may depend on. */
export interface StepFlags {
  mutates: boolean;
  dryRun?: 'skip';
}

/**
 * One step kind, whole: its YAML schema, the rules the schema cannot say, how it is filled in
 * with values (render), shown (describe, plain text), run, undone, and how a dry run treats it.
 * Every kind is one file in this folder built with defineStepKind, listed once in index.ts.
 */
export interface StepKindSpec<Shape extends z.ZodRawShape, R extends { kind: string }> {
  kind: R['kind'];
  /** the action's fields, `kind: z.literal(...)` included; common step fields are added by the registry */
  schema: z.ZodObject<Shape, z.core.$strip>;
  /** default step timeout (a duration) */
  defaultTimeout: string;
  /**
   * dry run of a MUTATING step: 'show' prints it rendered and skips it; 'rolled-back' runs it in a
   * transaction that is rolled back (sql). 'never' kinds are skipped even when read-only (manual).
   */
  dryRun: 'show' | 'rolled-back' | 'never';
  /**
   * rules across fields of one action (a field required by one action), as field → message;
   * `step` is given when the action is a step's own (not its verify or rollback)
   */
  check?(action: z.output<z.ZodObject<Shape, z.core.$strip>>, step?: StepFlags): { field: string; message: string }[];
  render(action: z.output<z.ZodObject<Shape, z.core.$strip>>, vars: Variables, ctx: PlanContext): R;
  /** the rendered action as an operator reads it: plain text, secrets not yet removed */
  describe(rendered: R): string;
  run(rendered: R, mutates: boolean, deps: StepDeps, run: ActionRun): Promise<ActionResult>;
  /** what undoes a completed step of this kind without a rollback, as a listing names it ("scale back") */
  automaticUndo?(action: z.output<z.ZodObject<Shape, z.core.$strip>>): string | undefined;
}

/** A kind as the registry calls it: every entry point checks the action is its own. */
export interface StepKind<R extends { kind: string } = { kind: string }> {
  kind: string;
  defaultTimeout: string;
  dryRun: 'show' | 'rolled-back' | 'never';
  check(action: { kind: string }, step?: StepFlags): { field: string; message: string }[];
  render(action: { kind: string }, vars: Variables, ctx: PlanContext): R;
  describe(rendered: { kind: string }): string;
  run(rendered: { kind: string }, mutates: boolean, deps: StepDeps, run: ActionRun): Promise<ActionResult>;
  automaticUndo(action: { kind: string }): string | undefined;
}

const expectWithDefault = expectSchema.default({});

function wrongKind(expected: string, got: string): Error {
  return new Error(`step kind ${expected} was handed a ${got} action`);
}

/** Builds a kind from its spec; the registry calls it through these kind-checked entry points. */
export function defineStepKind<Shape extends z.ZodRawShape, R extends { kind: string }>(spec: StepKindSpec<Shape, R>) {
  type Action = z.output<z.ZodObject<Shape, z.core.$strip>>;
  const isAction = (action: { kind: string }): action is { kind: string } & Action => action.kind === spec.kind;
  const isRendered = (rendered: { kind: string }): rendered is R => rendered.kind === spec.kind;
  const kind: StepKind<R> = {
    kind: spec.kind,
    defaultTimeout: spec.defaultTimeout,
    dryRun: spec.dryRun,
    check(action, step) {
      if (!isAction(action)) throw wrongKind(spec.kind, action.kind);
      return spec.check?.(action, step) ?? [];
    },
    render(action, vars, ctx) {
      if (!isAction(action)) throw wrongKind(spec.kind, action.kind);
      return spec.render(action, vars, ctx);
    },
    describe(rendered) {
      if (!isRendered(rendered)) throw wrongKind(spec.kind, rendered.kind);
      return spec.describe(rendered);
    },
    run(rendered, mutates, deps, run) {
      if (!isRendered(rendered)) throw wrongKind(spec.kind, rendered.kind);
      return spec.run(rendered, mutates, deps, run);
    },
    automaticUndo(action) {
      if (!isAction(action)) throw wrongKind(spec.kind, action.kind);
      return spec.automaticUndo?.(action);
    },
  };
  return {
    ...kind,
    /** the action's fields */
    schema: spec.schema,
    /** as a verify or wait condition: the action and what it must show */
    probe: spec.schema.extend({ expect: expectWithDefault }).strict(),
    /** as a rollback */
    rollback: spec.schema.strict(),
    /** as a step of a runbook */
    step: spec.schema.extend(stepFields).strict(),
  };
}

/** The rendered action type of a kind. */
export type RenderedOf<K> = K extends StepKind<infer R> ? R : never;
