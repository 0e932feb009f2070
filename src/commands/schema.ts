import type { Command } from 'commander';
import { CliError } from '../core/output/index.js';
import type { CommandContext } from './context.js';

// Placeholder until the schema capability lands.
export function register(program: Command, _context: () => CommandContext): void {
  program.command('schema').allowUnknownOption().allowExcessArguments().action(() => {
    throw new CliError('medicalcor schema is not available in this build yet.');
  });
}
