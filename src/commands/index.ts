import type { Command } from 'commander';
import type { CommandContext } from './context.js';

export interface CommandModule {
  register(program: Command, ctx: () => CommandContext): void;
}

/**
 * Every top-level command with its one-line summary. Only the invoked command's module is
 * imported, so `--help` and other commands do not pay for its dependencies.
 */
export const commandManifest: { name: string; summary: string; load: () => Promise<CommandModule> }[] = [
  { name: 'migrate', summary: 'Apply, roll back, verify, plan and lint database migrations', load: () => import('./migrate.js') },
  { name: 'schema', summary: 'Snapshot, diff and check the schema against migrations and live databases', load: () => import('./schema.js') },
  { name: 'trace', summary: 'One timeline of a patient journey by correlation ID, PII masked', load: () => import('./trace.js') },
  { name: 'runbook', summary: 'List, dry-run and execute runbooks with rollback, resume, lock and audit', load: () => import('./runbook.js') },
  { name: 'breaker', summary: 'Show and steer the shared circuit breakers', load: () => import('./breaker.js') },
  { name: 'budget', summary: 'AI spend against budgets; freeze, unfreeze, reconcile', load: () => import('./budget.js') },
  { name: 'sla', summary: 'SLA status with error budgets and burn rates; period reports', load: () => import('./sla.js') },
  { name: 'check', summary: 'Readiness: every health and hygiene check with a score', load: () => import('./check.js') },
  { name: 'demo', summary: 'Set up the embedded database with the MedicalCor schema and show what the tool does', load: () => import('./demo.js') },
];
