import type { Command } from 'commander';
import { listSagas } from '../../core/sagas/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { collectList, parseWholeNumber } from '../options.js';
import { renderSagaList } from '../render/sagas.js';

export interface Options {
  status?: string[];
  stuck?: boolean;
  type?: string;
  limit: string;
}

export function registerList(sagas: Command, context: () => CommandContext): void {
  sagas
    .command('list')
    .description('sagas, most recently moved first (--stuck: idle longest first; exit 3 if any is stuck)')
    .option('--status <status>', 'only this status (repeatable, comma-separated)', collectList)
    .option('--stuck', 'only sagas in progress that are idle for 30 min or past their timeout')
    .option('--type <type>', 'only this saga type')
    .option('--limit <n>', 'at most this many', '50')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sagas list --stuck
  medicalcor sagas list --status failed,compensating --type LeadOnboarding -o json`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor sagas list';
      const format = ctx.format(['table', 'json', 'yaml']);
      const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 10_000 });
      const db = await ctx.systems.readDatabase();
      const rows = await listSagas(db.pool, {
        status: options.status,
        stuck: options.stuck,
        type: options.type,
        limit,
      });
      writeOut(ctx.io, format === 'table' ? renderSagaList(rows, ctx.io.color) : renderData(format, rows));
      ctx.exitCode = exitCodeFor({ problem: Boolean(options.stuck) && rows.length > 0 });
    });
}
