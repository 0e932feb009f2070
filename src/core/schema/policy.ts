import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { invalidInput } from '../errors.js';
import { displayName, objectKey, type SchemaModel } from './model.js';

/** The policy's name beside the migrations. */
export const POLICY_FILENAME = 'patient-data-policy.yaml';

const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

/** One expectation of a behaviour: the SQL fails, or its last statement's first value is `returns`. */
export interface BehaviourExpectation {
  sql: string;
  fails?: boolean;
  returns?: string | null;
}

/**
 * A behaviour proved in the shadow database inside a transaction that is always rolled back:
 * setup statements, then each expectation (in a savepoint), as the superuser or as a fresh role
 * without privileges beyond `grants`.
 */
export interface PolicyBehaviour {
  name: string;
  table?: string;
  setup: string[];
  role?: { grants: string[] };
  expect: BehaviourExpectation[];
}

export interface PatientDataPolicy {
  rowLevelSecurity: { table: string; reason?: string }[];
  appendOnly: {
    table: string;
    trigger: string;
    events: ('UPDATE' | 'DELETE' | 'TRUNCATE' | 'INSERT')[];
    reason?: string;
  }[];
  behaviours: PolicyBehaviour[];
  /** column order differences are drift, not notes */
  columnOrder: 'note' | 'drift';
}

/** zod and yaml are imported only when a policy is read. */
async function policySchema() {
  const { z } = await import('zod');
  return z
    .object({
      rowLevelSecurity: z
        .array(z.object({ table: z.string().min(1), reason: z.string().optional() }).strict())
        .default([]),
      appendOnly: z
        .array(
          z
            .object({
              table: z.string().min(1),
              trigger: z.string().min(1),
              events: z.array(z.enum(['UPDATE', 'DELETE', 'TRUNCATE', 'INSERT'])).min(1),
              reason: z.string().optional(),
            })
            .strict(),
        )
        .default([]),
      behaviours: z
        .array(
          z
            .object({
              name: z.string().min(1),
              table: z.string().min(1).optional(),
              setup: z.array(z.string().min(1)).default([]),
              role: z
                .object({
                  grants: z
                    .array(z.string().regex(/^[A-Za-z, ]+ ON [\w."]+$/, 'a grant such as "SELECT ON consent_records"'))
                    .default([]),
                })
                .strict()
                .optional(),
              expect: z
                .array(
                  z
                    .object({
                      sql: z.string().min(1),
                      fails: z.boolean().optional(),
                      returns: z
                        .union([z.string(), z.number(), z.boolean(), z.null()])
                        .transform((v) => (v === null ? null : String(v)))
                        .optional(),
                    })
                    .strict()
                    .refine(
                      (e) => e.fails !== undefined || e.returns !== undefined,
                      'an expectation says "fails: true" or "returns: VALUE"',
                    ),
                )
                .min(1),
            })
            .strict(),
        )
        .default([]),
      columnOrder: z.enum(['note', 'drift']).default('note'),
    })
    .strict();
}

export interface PolicyViolation {
  rule: 'rls-enabled' | 'rls-forced' | 'append-only-trigger' | 'table-missing' | 'behaviour';
  table: string;
  message: string;
  /** which schema broke it: "migrations" or "live database" */
  where: string;
  policyFile: string;
}

export async function readPolicy(file: string): Promise<PatientDataPolicy> {
  const { parse: parseYaml } = await import('yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw invalidInput(`Cannot read the patient-data policy ${file}: ${(error as Error).message}`, {
      code: 'schema.policy-unreadable',
      facts: { file },
    });
  }
  const parsed = (await policySchema()).safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidInput(`${file}: ${issue.path.join('.') || 'file'}: ${issue.message}`, {
      code: 'schema.policy-invalid',
      facts: { file },
      remedy: 'See docs/schema.md for the policy format.',
    });
  }
  return parsed.data satisfies PatientDataPolicy;
}

/** The policy file beside the migrations, if there is one. */
export function policyFileFor(migrationsDir: string): string | undefined {
  const file = join(migrationsDir, POLICY_FILENAME);
  return existsSync(file) ? file : undefined;
}

/**
 * Patient-data gates: tables holding patient data keep row-level security enabled and forced;
 * audit tables keep an enabled BEFORE … FOR EACH ROW trigger covering the events they must reject.
 */
export function evaluatePolicy(
  policy: PatientDataPolicy,
  model: SchemaModel,
  where: string,
  policyFile: string,
): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const add = (rule: PolicyViolation['rule'], table: string, message: string) =>
    violations.push({ rule, table: displayName(table), message, where, policyFile });

  for (const { table: name } of policy.rowLevelSecurity) {
    const table = qualified(name);
    const object = model.objects.get(objectKey('table', table));
    if (!object) {
      add('table-missing', table, `patient-data table ${displayName(table)} does not exist in the ${where}`);
      continue;
    }
    if (object.attrs.rls_enabled !== true)
      add(
        'rls-enabled',
        table,
        `row-level security is not enabled on patient-data table ${displayName(table)} (${where})`,
      );
    if (object.attrs.rls_forced !== true)
      add(
        'rls-forced',
        table,
        `row-level security is not forced on patient-data table ${displayName(table)}: its owner bypasses the ` +
          `policies (${where})`,
      );
  }

  for (const rule of policy.appendOnly) {
    const table = qualified(rule.table);
    if (!model.objects.has(objectKey('table', table))) {
      add('table-missing', table, `audit table ${displayName(table)} does not exist in the ${where}`);
      continue;
    }
    const trigger = model.objects.get(objectKey('trigger', `${table}.${rule.trigger}`));
    if (!trigger) {
      add(
        'append-only-trigger',
        table,
        `audit table ${displayName(table)} lost its append-only trigger ${rule.trigger} (${where})`,
      );
      continue;
    }
    const events = new Set((trigger.attrs.events as string[] | undefined) ?? []);
    const rowLevel = rule.events.filter((e) => e !== 'TRUNCATE');
    const problems: string[] = [];
    if (trigger.attrs.enabled === 'disabled') problems.push('is disabled');
    if (trigger.attrs.timing !== 'BEFORE') problems.push(`fires ${trigger.attrs.timing}, not BEFORE`);
    if (rowLevel.length && trigger.attrs.level !== 'row') problems.push('is not FOR EACH ROW');
    const missing = rule.events.filter((e) => !events.has(e));
    if (missing.length) problems.push(`does not fire on ${missing.join(', ')}`);
    if (problems.length)
      add(
        'append-only-trigger',
        table,
        `append-only trigger ${rule.trigger} on audit table ${displayName(table)} ${problems.join(' and ')} (${where})`,
      );
  }
  return violations;
}
