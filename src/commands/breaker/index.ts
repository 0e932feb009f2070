import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerList } from './list.js';
import { registerOpen } from './open.js';
import { registerProbe } from './probe.js';
import { registerReset } from './reset.js';
import { registerSet } from './set.js';

export function register(program: Command, context: () => CommandContext): void {
  const breaker = program
    .command('breaker')
    .description("Show and steer the circuit breakers shared through Redis (and the API pods' in-memory ones)")
    .addHelpText(
      'after',
      `
Examples:
  medicalcor breaker list
  medicalcor breaker open hubspot --for 30m --reason "maintenance"
  medicalcor breaker reset hubspot --pods`,
    );
  registerList(breaker, context);
  registerReset(breaker, context);
  registerOpen(breaker, context);
  registerProbe(breaker, context);
  registerSet(breaker, context);
}
