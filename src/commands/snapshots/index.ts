import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerPrune } from './prune.js';
import { registerStatus } from './status.js';

export function register(program: Command, context: () => CommandContext): void {
  const snapshots = program
    .command('snapshots')
    .description('Aggregate snapshots against the interval rule; prune old ones')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor snapshots status
  medicalcor snapshots prune --keep 2`,
    );
  registerStatus(snapshots, context);
  registerPrune(snapshots, context);
}
