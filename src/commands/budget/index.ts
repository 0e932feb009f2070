import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerFreeze } from './freeze.js';
import { registerReconcile } from './reconcile.js';
import { registerSet } from './set.js';
import { registerStatus } from './status.js';
import { registerUnfreeze } from './unfreeze.js';

export function register(program: Command, context: () => CommandContext): void {
  const budget = program
    .command('budget')
    .description('AI spend against budgets; set budgets, freeze or unfreeze spend, reconcile counters with the ledger')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor budget status
  medicalcor budget set --daily 50 --monthly 1000
  medicalcor budget reconcile --repair`,
    );
  registerStatus(budget, context);
  registerSet(budget, context);
  registerFreeze(budget, context);
  registerUnfreeze(budget, context);
  registerReconcile(budget, context);
}
