import type { Command } from 'commander';
import type { CommandContext } from './context.js';

/** What each file in src/commands exports: its commands, registered on the program. */
export interface CommandModule {
  register(program: Command, ctx: () => CommandContext): void;
}

/**
 * Every top-level command with its one-line summary; `src/commands/<name>.ts` implements it.
 * Only the invoked command's module is loaded, so `--help` and other commands do not pay for
 * its dependencies.
 */
export const commandManifest: { name: string; summary: string }[] = [
  { name: 'migrate', summary: 'Apply, roll back, verify, plan and lint database migrations' },
  { name: 'schema', summary: 'Snapshot, diff and check the schema against migrations and live databases' },
  { name: 'trace', summary: 'One timeline of a patient journey by correlation ID, PII masked' },
  { name: 'runbook', summary: 'List, dry-run and execute runbooks with rollback, resume, lock and audit' },
  { name: 'breaker', summary: 'Show and steer the shared circuit breakers' },
  { name: 'budget', summary: 'AI spend against budgets; freeze, unfreeze, reconcile' },
  { name: 'sla', summary: 'SLA status with error budgets and burn rates; period reports' },
  { name: 'check', summary: 'Readiness: every health and hygiene check with a score' },
  { name: 'incident', summary: 'Incidents: alerts, status, timeline of every action taken, postmortem drafts' },
  { name: 'demo', summary: 'Set up the embedded database with the MedicalCor schema and show what the tool does' },
];
