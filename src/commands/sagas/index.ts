import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerList } from './list.js';
import { registerShow } from './show.js';

export function register(program: Command, context: () => CommandContext): void {
  const sagas = program
    .command('sagas')
    .description("Persisted sagas (saga_store): list, stuck ones, one saga's steps, with trace links")
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sagas list --stuck
  medicalcor sagas show 5b1d0e1c-2f6a-4c1e-9a51-6f1f0d3b9e20`,
    );
  registerList(sagas, context);
  registerShow(sagas, context);
}
