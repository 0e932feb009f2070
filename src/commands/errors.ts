import { ExitCode } from '../cli-kit/exit-codes.js';
import type { DomainError, ErrorKind } from '../core/errors.js';
import { migrateHints } from './hints/migrate.js';
import { schemaHints } from './hints/schema.js';
import { traceHints } from './hints/trace.js';
import { runbookHints } from './hints/runbook.js';
import { breakerHints } from './hints/breaker.js';
import { budgetHints } from './hints/budget.js';
import { slaHints } from './hints/sla.js';
import { checkHints } from './hints/check.js';
import { eventsHints } from './hints/events.js';
import { projectionsHints } from './hints/projections.js';
import { snapshotsHints } from './hints/snapshots.js';
import { sagasHints } from './hints/sagas.js';
import { dlqHints } from './hints/dlq.js';
import { incidentHints } from './hints/incident.js';

/** The one mapping from a domain error's kind to the documented exit code (README "Exit codes"). */
const exitCodeOfKind: Record<ErrorKind, ExitCode> = {
  'invalid-input': ExitCode.Usage,
  'not-found': ExitCode.Operational,
  unavailable: ExitCode.Operational,
  conflict: ExitCode.Operational,
  interrupted: ExitCode.Interrupted,
  problem: ExitCode.Problem,
};

/**
 * What to tell the operator to do, in CLI words, keyed by the error's code. Core says what is
 * wrong in domain terms (its remedy); only here are flags and commands named.
 */
const hints: Record<string, (facts: Record<string, unknown>) => string> = {
  'prometheus-not-configured': () =>
    'Set MEDICALCOR_PROMETHEUS_URL, prometheusUrl in medicalcor.config.yaml, or pass --prometheus-url.',
  'schema-missing': () =>
    'Run "medicalcor migrate up" against this database (or pass the right --env / --database-url).',
  ...migrateHints,
  ...schemaHints,
  ...traceHints,
  ...runbookHints,
  ...breakerHints,
  ...budgetHints,
  ...slaHints,
  ...checkHints,
  ...eventsHints,
  ...projectionsHints,
  ...snapshotsHints,
  ...sagasHints,
  ...dlqHints,
  ...incidentHints,
};

export function exitCodeOfError(error: DomainError): ExitCode {
  return exitCodeOfKind[error.kind];
}

export function hintFor(error: DomainError): string | undefined {
  return hints[error.code]?.(error.facts) ?? error.remedy;
}

/**
 * The exit code of a command that read several sources: a problem found in what could be read is
 * certain, so 3 wins over 4 (partial); the JSON carries `partial: true` either way. Every command
 * decides its exit code through this one rule.
 */
export function exitCodeFor(outcome: { problem?: boolean; partial?: boolean }): ExitCode {
  if (outcome.problem) return ExitCode.Problem;
  if (outcome.partial) return ExitCode.Partial;
  return ExitCode.Ok;
}
