import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, ExitCode } from '../../cli-kit/index.js';
import { displayName, objectKey, type SchemaModel } from './model.js';

/** The policy's name beside the migrations. */
export const POLICY_FILENAME = 'patient-data-policy.yaml';

const qualified = (name: string) => (name.includes('.') ? name : `public.${name}`);

export interface PatientDataPolicy {
  rowLevelSecurity: { table: string; reason?: string }[];
  appendOnly: { table: string; trigger: string; events: ('UPDATE' | 'DELETE' | 'TRUNCATE' | 'INSERT')[]; reason?: string }[];
}

/** zod and yaml are imported only when a policy is read. */
async function policySchema() {
  const { z } = await import('zod');
  return z.object({
    rowLevelSecurity: z.array(z.object({ table: z.string().min(1), reason: z.string().optional() }).strict()).default([]),
    appendOnly: z.array(z.object({
      table: z.string().min(1),
      trigger: z.string().min(1),
      events: z.array(z.enum(['UPDATE', 'DELETE', 'TRUNCATE', 'INSERT'])).min(1),
      reason: z.string().optional(),
    }).strict()).default([]),
  }).strict();
}

export interface PolicyViolation {
  rule: 'rls-enabled' | 'rls-forced' | 'append-only-trigger' | 'table-missing';
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
    throw new CliError(`Cannot read the patient-data policy ${file}: ${(error as Error).message}`, ExitCode.Usage);
  }
  const parsed = (await policySchema()).safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`${file}: ${issue.path.join('.') || 'file'}: ${issue.message}`, ExitCode.Usage, 'See docs/schema.md for the policy format.');
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
export function evaluatePolicy(policy: PatientDataPolicy, model: SchemaModel, where: string, policyFile: string): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  const add = (rule: PolicyViolation['rule'], table: string, message: string) => violations.push({ rule, table: displayName(table), message, where, policyFile });

  for (const { table: name } of policy.rowLevelSecurity) {
    const table = qualified(name);
    const object = model.objects.get(objectKey('table', table));
    if (!object) {
      add('table-missing', table, `patient-data table ${displayName(table)} does not exist in the ${where}`);
      continue;
    }
    if (object.attrs.rls_enabled !== true) add('rls-enabled', table, `row-level security is not enabled on patient-data table ${displayName(table)} (${where})`);
    if (object.attrs.rls_forced !== true) add('rls-forced', table, `row-level security is not forced on patient-data table ${displayName(table)}: its owner bypasses the policies (${where})`);
  }

  for (const rule of policy.appendOnly) {
    const table = qualified(rule.table);
    if (!model.objects.has(objectKey('table', table))) {
      add('table-missing', table, `audit table ${displayName(table)} does not exist in the ${where}`);
      continue;
    }
    const trigger = model.objects.get(objectKey('trigger', `${table}.${rule.trigger}`));
    if (!trigger) {
      add('append-only-trigger', table, `audit table ${displayName(table)} lost its append-only trigger ${rule.trigger} (${where})`);
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
    if (problems.length) add('append-only-trigger', table, `append-only trigger ${rule.trigger} on audit table ${displayName(table)} ${problems.join(' and ')} (${where})`);
  }
  return violations;
}
