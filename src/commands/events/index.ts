import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerCheck } from './check.js';
import { registerSchemas } from './schemas.js';

export function register(program: Command, context: () => CommandContext): void {
  const events = program
    .command('events')
    .description('The event schema registry and checks of stored events against it')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor events schemas
  medicalcor events check --since 30d --all`,
    );
  registerSchemas(events, context);
  registerCheck(events, context);
}
