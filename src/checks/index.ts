import { usageError } from '../cli-kit/index.js';
import { isSchemaMissing } from '../core/errors.js';
import { maskText } from '../core/mask/index.js';
import { apiCheck } from './api.js';
import { budgetCheck } from './budget.js';
import { configCorsCheck } from './config-cors.js';
import { configSecretsCheck } from './config-secrets.js';
import { configTlsCheck } from './config-tls.js';
import { openCheckContext, REDIS_NOT_CONFIGURED, type CheckContextDeps } from './context.js';
import { databaseCheck } from './database.js';
import { dlqBacklogCheck } from './dlq-backlog.js';
import { kubernetesCheck } from './kubernetes.js';
import { migrationsEditedCheck } from './migrations-edited.js';
import { migrationsPendingCheck } from './migrations-pending.js';
import { openBreakersCheck } from './open-breakers.js';
import { openIncidentsCheck } from './open-incidents.js';
import { projectionLagCheck } from './projection-lag.js';
import { prometheusCheck } from './prometheus.js';
import { redisCheck } from './redis.js';
import { schemaDriftCheck } from './schema-drift.js';
import { slaCheck } from './sla.js';
import { stuckSagasCheck } from './stuck-sagas.js';
import { firstLine } from './support.js';
import { triggerCheck } from './trigger.js';
import { DependencyUnavailable, type Check, type CheckContext, type CheckResult } from './types.js';

export type { Check, CheckContext, CheckResult, CheckStatus } from './types.js';
export { buildCheckReport, type CheckReport } from './report.js';
export { readinessScore } from './score.js';

/** Every check, in the order they are shown: connectivity, schema, data health, guards, hygiene. */
export const CHECKS: readonly Check[] = [
  databaseCheck,
  redisCheck,
  prometheusCheck,
  triggerCheck,
  apiCheck,
  kubernetesCheck,
  migrationsPendingCheck,
  migrationsEditedCheck,
  schemaDriftCheck,
  projectionLagCheck,
  dlqBacklogCheck,
  stuckSagasCheck,
  openBreakersCheck,
  budgetCheck,
  slaCheck,
  openIncidentsCheck,
  configCorsCheck,
  configSecretsCheck,
  configTlsCheck,
];

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

const DEFAULT_TIMEOUT_MS = 15_000;

export type RunChecksDeps = CheckContextDeps;

export interface CheckSelection {
  only?: string[];
  skip?: string[];
}

function select(selection: CheckSelection | undefined): Check[] {
  for (const id of [...(selection?.only ?? []), ...(selection?.skip ?? [])]) {
    if (!CHECK_IDS.includes(id)) throw usageError(`There is no check "${id}".`, `Checks: ${CHECK_IDS.join(', ')}.`);
  }
  return CHECKS.filter(
    (c) => (!selection?.only?.length || selection.only.includes(c.id)) && !selection?.skip?.includes(c.id),
  );
}

/**
 * A system that is not configured is not probed at a guessed address: its check says so and is
 * skipped (the checks of Prometheus, Trigger.dev, the API and Kubernetes say it themselves).
 */
const notConfigured: Record<string, (config: CheckContext['config']) => string | undefined> = {
  redis: (config) => (config.redisConfigured ? undefined : 'not configured: no Redis is read'),
};

async function runOne(check: Check, ctx: CheckContext): Promise<CheckResult> {
  const required = typeof check.required === 'function' ? check.required(ctx.config) : check.required;
  const started = performance.now();
  const base = { id: check.id, title: check.title, required };
  const unconfigured = notConfigured[check.id]?.(ctx.config);
  if (unconfigured) {
    return {
      ...base,
      status: 'skip',
      summary: unconfigured,
      remedy: 'Set MEDICALCOR_REDIS_URL, or redisUrl in medicalcor.config.yaml.',
      durationMs: 0,
    };
  }
  const timeoutMs = check.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      check.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
    return { ...base, ...outcome, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    const durationMs = Math.round(performance.now() - started);
    if (error instanceof DependencyUnavailable && error.message === REDIS_NOT_CONFIGURED) {
      return { ...base, status: 'skip', summary: `not run: ${REDIS_NOT_CONFIGURED}`, durationMs };
    }
    if (error instanceof DependencyUnavailable)
      return {
        ...base,
        status: 'skip',
        summary:
          `not run: ${error.dependency === 'redis' ? 'Redis' : 'the database'} cannot be reached ` +
          `(see the ${error.dependency} check)`,
        remedy: `Fix the ${error.dependency} check first.`,
        durationMs,
      };
    if (ctx.signal?.aborted) return { ...base, status: 'skip', summary: 'not run: interrupted', durationMs };
    // undefined_table: the schema is not there yet, which migrations-pending reports
    if (isSchemaMissing(error)) {
      return {
        ...base,
        status: 'skip',
        summary: `not run: ${(error as Error).message} (the schema is not applied)`,
        remedy: 'Apply the migrations first (see migrations-pending).',
        durationMs,
      };
    }
    return {
      ...base,
      status: 'fail',
      summary: `could not run: ${firstLine(error)}`,
      remedy: 'Run the related medicalcor command for details (or check with --debug).',
      durationMs,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs the selected checks concurrently over shared connections (one database, one Redis) and
 * returns them in catalogue order. A system that is not configured gives 'skip', not 'fail'
 * (the database excepted: the embedded one is used).
 */
export async function runChecks(deps: RunChecksDeps, selection?: CheckSelection): Promise<CheckResult[]> {
  const checks = select(selection);
  const ctx = openCheckContext(deps);
  try {
    // a check's line quotes what it found (a projector's error, a server's answer): one mask for all
    return (await Promise.all(checks.map((check) => runOne(check, ctx)))).map((result) => ({
      ...result,
      summary: maskText(result.summary),
      ...(result.remedy === undefined ? {} : { remedy: maskText(result.remedy) }),
    }));
  } finally {
    await ctx.close();
  }
}
