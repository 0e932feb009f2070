import { z } from 'zod';
import { kindNames, nonEmpty, probeSchema, rollbackSchema, STEP_KINDS } from './steps/index.js';

/**
 * The runbook file format. Every object is strict so a misspelt field (`mutate:`) is an error
 * rather than a silently ignored safety setting. The step kinds and their fields come from the
 * registry (steps/index.ts); every type here is inferred from the schemas.
 */

const identifier = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - and _');

export const parameterSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _ (used as {{name}})'),
    type: z.enum(['string', 'int', 'bool', 'enum']).default('string'),
    description: z.string().optional(),
    /** a regular expression the whole value must match */
    pattern: z.string().optional(),
    /** the allowed values of an enum */
    values: z.array(z.string()).optional(),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    required: z.boolean().default(false),
    /** AlertManager label that fills it in `runbook for-alert` (default: the parameter's name) */
    label: z.string().optional(),
    /** never stored or printed in clear */
    sensitive: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.type === 'enum' && !p.values?.length)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum parameter needs a list of values' });
    if (p.pattern !== undefined) {
      try {
        new RegExp(p.pattern);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `is not a valid regular expression: ${(error as Error).message}`,
        });
      }
    }
  });
export type RunbookParameter = z.infer<typeof parameterSchema>;

export const stepUnion = z.discriminatedUnion('kind', nonEmpty(STEP_KINDS.map((k) => k.step)), {
  error: (issue) => (issue.code === 'invalid_union' ? `kind must be one of ${kindNames().join(', ')}` : undefined),
});

/** A step: the fields of its kind and the common ones, with `verify` and `rollback` parsed against their kinds. */
export const stepSchema = stepUnion.transform((step: z.output<typeof stepUnion>, ctx) => {
  const verify = step.verify === undefined ? undefined : probeSchema.safeParse(step.verify);
  const rollback = step.rollback === undefined ? undefined : rollbackSchema.safeParse(step.rollback);
  for (const [field, result] of [
    ['verify', verify],
    ['rollback', rollback],
  ] as const) {
    for (const issue of result?.error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [field, ...issue.path] });
    }
  }
  // an intersection, not a spread: it keeps the union of kinds (a spread of it would lose the kind's fields)
  return Object.assign({}, step, { verify: verify?.data, rollback: rollback?.data });
});

export const runbookSchema = z
  .object({
    id: identifier,
    title: z.string().min(1),
    description: z.string().optional(),
    /** AlertManager alertnames this runbook answers */
    alerts: z.array(z.string()).default([]),
    parameters: z.array(parameterSchema).default([]),
    steps: z.array(stepSchema).min(1, 'a runbook needs at least one step'),
  })
  .strict();

export type Runbook = z.infer<typeof runbookSchema>;
export type RunbookStep = Runbook['steps'][number];
export type { ProbeAction, RollbackAction, Expectation } from './steps/index.js';
export { expectSchema, probeSchema, rollbackSchema } from './steps/index.js';
