import { z } from 'zod';
import { DURATION_PATTERN as DURATION } from '../time/index.js';

/**
 * The runbook file format. Every object is strict so a misspelt field (`mutate:`) is an error
 * rather than a silently ignored safety setting.
 */

const duration = z.string().regex(DURATION, 'must be a duration such as 250ms, 30s, 5m or 1h');
/** YAML reads `[sleep, 5]` as a number: argv elements and values are taken as their text. */
const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string (or a number or true/false)' }).transform(String);
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
    if (p.type === 'enum' && !p.values?.length) ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum parameter needs a list of values' });
    if (p.pattern !== undefined) {
      try {
        new RegExp(p.pattern);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `is not a valid regular expression: ${(error as Error).message}` });
      }
    }
  });
export type RunbookParameter = z.infer<typeof parameterSchema>;

const shellAction = z.object({
  kind: z.literal('shell'),
  /** argv: the program and its arguments, one element each; "medicalcor" runs this CLI */
  command: z.array(scalar).min(1, 'needs at least the program to run'),
  cwd: z.string().optional(),
  env: z.record(z.string(), scalar).optional(),
  okExitCodes: z.array(z.number().int()).default([0]),
});

const sqlAction = z.object({
  kind: z.literal('sql'),
  sql: z.string().min(1).refine((sql) => !sql.includes('{{'), 'must not contain {{…}}: pass values as $1, $2 … with params'),
  /** values for $1, $2 …; templates allowed */
  params: z.array(scalar).default([]),
  maxRows: z.number().int().positive().max(10_000).default(50),
});

const httpAction = z.object({
  kind: z.literal('http'),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** "api" (apiBaseUrl), "prometheus", "trigger" (adds the secret key); absent: url is absolute */
  base: z.enum(['api', 'prometheus', 'trigger']).optional(),
  /** path (or absolute URL); a parameter in it is URL-encoded */
  url: z.string().min(1),
  headers: z.record(z.string(), scalar).default({}),
  body: z.unknown().optional(),
  okStatus: z.array(z.number().int()).optional(),
});

const k8sAction = z.object({
  kind: z.literal('k8s'),
  action: z.enum(['scale', 'rollout-restart', 'list-pods', 'service-pods']),
  deployment: z.string().optional(),
  replicas: z.union([z.number().int().nonnegative(), z.string()]).optional(),
  selector: z.string().optional(),
  service: z.string().optional(),
});

const redisAction = z.object({
  kind: z.literal('redis'),
  /** one Redis command as argv, e.g. [GET, "{{env.redisPrefix}}budget:frozen"] */
  command: z.array(scalar).min(1, 'needs a Redis command'),
});

const breakerAction = z.object({
  kind: z.literal('breaker'),
  action: z.enum(['list', 'open', 'reset']),
  name: z.string().optional(),
  /** how long an opened breaker stays open: a duration, or a {{parameter}} holding one */
  for: z.string().regex(new RegExp(`${DURATION.source}|\\{\\{`), 'must be a duration such as 30s, 10m or 1h (or a {{parameter}})').optional(),
  reason: z.string().optional(),
});

const checkAction = z.object({
  kind: z.literal('check'),
  check: z.string().min(1),
});

const manualAction = z.object({
  kind: z.literal('manual'),
  instruction: z.string().min(1),
});

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

const probeKinds = [shellAction, sqlAction, httpAction, k8sAction, redisAction, breakerAction, checkAction] as const;

/** A read of live state with what it must show: the condition of `wait` and a step's `verify`. */
export const probeSchema = z.discriminatedUnion(
  'kind',
  probeKinds.map((a) => a.extend({ expect: expectSchema.default({}) }).strict()) as unknown as [typeof shellAction, typeof sqlAction],
);

/** What undoes a mutating step; any action except wait. */
export const rollbackSchema = z.discriminatedUnion(
  'kind',
  [...probeKinds, manualAction].map((a) => a.strict()) as unknown as [typeof shellAction, typeof sqlAction],
);

const waitAction = z.object({
  kind: z.literal('wait'),
  until: probeSchema,
  interval: duration.default('5s'),
});

const common = {
  id: identifier,
  title: z.string().optional(),
  description: z.string().optional(),
  /** required: every step says whether it changes anything (dry runs skip those that do) */
  mutates: z.boolean({ error: 'is required: say whether the step changes anything (true or false)' }),
  timeout: duration.optional(),
  retries: z.number().int().min(0).max(10).default(0),
  retryDelay: duration.default('1s'),
  verify: probeSchema.optional(),
  rollback: rollbackSchema.optional(),
  /**
   * skip: never run it in a dry run (a read that needs the earlier changes, or a mutating SQL
   * statement with effects a rollback cannot undo). Default: read-only steps run, mutating SQL
   * runs in a transaction that is rolled back, other mutating steps are shown only.
   */
  dryRun: z.enum(['skip']).optional(),
  /** what the step's own result must show, or the step fails (e.g. rows: { max: 0 }) */
  expect: expectSchema.optional(),
};

export const stepSchema = z.discriminatedUnion(
  'kind',
  [...probeKinds, manualAction, waitAction].map((a) => a.extend(common).strict()) as unknown as [typeof shellAction, typeof sqlAction],
  { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be one of shell, sql, http, k8s, redis, breaker, check, manual, wait' : undefined) },
);

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

/** Action types, written out: zod's inference does not survive the mapped unions above. */
export type ShellAction = z.infer<typeof shellAction>;
export type SqlAction = z.infer<typeof sqlAction>;
export type HttpAction = z.infer<typeof httpAction>;
export type K8sAction = z.infer<typeof k8sAction>;
export type RedisAction = z.infer<typeof redisAction>;
export type BreakerAction = z.infer<typeof breakerAction>;
export type CheckAction = z.infer<typeof checkAction>;
export type ManualAction = z.infer<typeof manualAction>;
export type ProbeAction = (ShellAction | SqlAction | HttpAction | K8sAction | RedisAction | BreakerAction | CheckAction) & { expect: Expectation };
export type WaitAction = { kind: 'wait'; until: ProbeAction; interval: string };
export type Action = ShellAction | SqlAction | HttpAction | K8sAction | RedisAction | BreakerAction | CheckAction | ManualAction | WaitAction;
export type RollbackAction = Exclude<Action, WaitAction>;

export interface StepCommon {
  id: string;
  title?: string;
  description?: string;
  mutates: boolean;
  timeout?: string;
  retries: number;
  retryDelay: string;
  verify?: ProbeAction;
  rollback?: RollbackAction;
  dryRun?: 'skip';
  expect?: Expectation;
}
export type RunbookStep = Action & StepCommon;

export interface Runbook {
  id: string;
  title: string;
  description?: string;
  alerts: string[];
  parameters: RunbookParameter[];
  steps: RunbookStep[];
}
