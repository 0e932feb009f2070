import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

export function register(program: Command, _context: () => CommandContext): void {
  program.command('sagas');
}
