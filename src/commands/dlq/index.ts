import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerDiscard } from './discard.js';
import { registerList } from './list.js';
import { registerReplay } from './replay.js';
import { registerShow } from './show.js';

export function register(program: Command, context: () => CommandContext): void {
  const dlq = program
    .command('dlq')
    .description('The webhook dead-letter queue: list, show (masked), replay behind the shared breaker, discard')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor dlq list --status failed
  medicalcor dlq replay --type whatsapp --execute`,
    );
  registerList(dlq, context);
  registerShow(dlq, context);
  registerReplay(dlq, context);
  registerDiscard(dlq, context);
}
