import type { Command } from 'commander';
import { CliError } from '../core/output/index.js';
import type { CommandContext } from './context.js';

// Placeholder until the runbook capability lands.
export function register(program: Command, _context: () => CommandContext): void {
  program.command('runbook').allowUnknownOption().allowExcessArguments().action(() => {
    throw new CliError('medicalcor runbook is not available in this build yet.');
  });
}
