import { z } from 'zod';
import { DURATION_PATTERN as DURATION } from '../../time/index.js';

/** Field types the step kinds share. */

export const duration = z.string().regex(DURATION, 'must be a duration such as 250ms, 30s, 5m or 1h');
/** YAML reads `[sleep, 5]` as a number: argv elements and values are taken as their text. */
export const scalar = z
  .union([z.string(), z.number(), z.boolean()], { error: 'must be a string (or a number or true/false)' })
  .transform(String);
export { DURATION };

export const expectSchema = z
  .object({
    exitCode: z.number().int().optional(),
    status: z.number().int().optional(),
    rows: z.object({ min: z.number().int().optional(), max: z.number().int().optional() }).strict().optional(),
    value: z
      .object({
        /** dot path into a JSON response or row (e.g. data.result.0.value.1) */
        path: z.string().optional(),
        equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
        min: z.number().optional(),
        max: z.number().optional(),
        matches: z.string().optional(),
      })
      .strict()
      .optional(),
    contains: z.string().optional(),
  })
  .strict();
export type Expectation = z.infer<typeof expectSchema>;

const identifier = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - and _');

/**
 * The fields every step has besides its action's. `verify` and `rollback` are read here as they
 * come and parsed by the registry against the probe and rollback kinds (see index.ts).
 */
export const stepFields = {
  id: identifier,
  title: z.string().optional(),
  description: z.string().optional(),
  /** required: every step says whether it changes anything (dry runs skip those that do) */
  mutates: z.boolean({ error: 'is required: say whether the step changes anything (true or false)' }),
  timeout: duration.optional(),
  retries: z.number().int().min(0).max(10).default(0),
  retryDelay: duration.default('1s'),
  verify: z.unknown().optional(),
  rollback: z.unknown().optional(),
  /**
   * skip: never run it in a dry run (a read that needs the earlier changes, or a mutating SQL
   * statement with effects a rollback cannot undo). Default: read-only steps run, mutating SQL
   * runs in a transaction that is rolled back, other mutating steps are shown only.
   */
  dryRun: z.enum(['skip']).optional(),
  /** what the step's own result must show, or the step fails (e.g. rows: { max: 0 }) */
  expect: expectSchema.optional(),
};
