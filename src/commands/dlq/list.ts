import type { Command } from 'commander';
import { listDeadLetters } from '../../core/dlq/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { collectList, parseWholeNumber } from '../options.js';
import { renderDeadLetters } from '../render/dlq.js';

export interface Options {
  type?: string[];
  status?: string[];
  limit: string;
}

export function registerList(dlq: Command, context: () => CommandContext): void {
  dlq
    .command('list')
    .description('dead letters, oldest first: type, status, retries, correlation id, last error (masked)')
    .option('--type <type>', 'only this webhook type (repeatable, comma-separated)', collectList)
    .option(
      '--status <status>',
      'only this status: pending, retrying, processed, failed, expired, discarded (repeatable)',
      collectList,
    )
    .option('--limit <n>', 'at most this many', '100')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor dlq list --status failed
  medicalcor dlq list --type whatsapp,stripe -o json | jq '.[].id'`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor dlq list';
      const format = ctx.format(['table', 'json', 'yaml']);
      const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 10_000 });
      const db = await ctx.systems.readDatabase();
      const rows = await listDeadLetters(db.pool, { types: options.type, statuses: options.status, limit });
      writeOut(ctx.io, format === 'table' ? renderDeadLetters(rows, ctx.io.color) : renderData(format, rows));
    });
}
