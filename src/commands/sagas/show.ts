import type { Command } from 'commander';
import { showSaga } from '../../core/sagas/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { renderSaga } from '../render/sagas.js';

export type Options = Record<string, never>;

export function registerShow(sagas: Command, context: () => CommandContext): void {
  sagas
    .command('show')
    .description('one saga: status, step history, state (masked) and the trace command of its journey')
    .argument('<id>', 'the saga id (see "sagas list")')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sagas show 5b1d0e1c-2f6a-4c1e-9a51-6f1f0d3b9e20`,
    )
    .action(async (id: string) => {
      const ctx = context();
      ctx.label = 'medicalcor sagas show';
      const format = ctx.format(['table', 'json', 'yaml']);
      const db = await ctx.systems.readDatabase();
      const saga = await showSaga(db.pool, id);
      writeOut(ctx.io, format === 'table' ? renderSaga(saga, ctx.io.color) : renderData(format, saga));
    });
}
