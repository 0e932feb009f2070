import type { Command } from 'commander';
import { showDeadLetter } from '../../core/dlq/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { renderDeadLetter } from '../render/dlq.js';

export type Options = Record<string, never>;

export function registerShow(dlq: Command, context: () => CommandContext): void {
  dlq
    .command('show')
    .description('one dead letter with its payload, PII masked, and the trace command of its journey')
    .argument('<id>', 'the dead letter id (see "dlq list")')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor dlq show 3f0c6c9e-8a1e-4c47-9d55-0b7d7b0e5a11
  medicalcor dlq show 3f0c6c9e-8a1e-4c47-9d55-0b7d7b0e5a11 -o json`,
    )
    .action(async (id: string) => {
      const ctx = context();
      ctx.label = 'medicalcor dlq show';
      const format = ctx.format(['table', 'json', 'yaml']);
      const db = await ctx.systems.readDatabase();
      const letter = await showDeadLetter(db.pool, id);
      writeOut(ctx.io, format === 'table' ? renderDeadLetter(letter) : renderData(format, letter));
    });
}
