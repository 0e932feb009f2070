import type { Command } from 'commander';
import { discardDeadLetters } from '../../core/dlq/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { operatorOf } from '../events/operator.js';
import { renderDiscard } from '../render/dlq.js';

export interface Options {
  reason: string;
  yes?: boolean;
}

export function registerDiscard(dlq: Command, context: () => CommandContext): void {
  dlq
    .command('discard')
    .description('give up on dead letters for good (status discarded), with the reason in each audit row; all or none')
    .argument('<ids...>', 'dead letter ids')
    .requiredOption('--reason <text>', 'why, for the audit trail (e.g. the ticket)')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor dlq discard 3f0c6c9e-8a1e-4c47-9d55-0b7d7b0e5a11 --reason "duplicate of a processed webhook, INC-42"`,
    )
    .action(async (ids: string[], options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor dlq discard';
      const format = ctx.format(['table', 'json', 'yaml']);
      const db = await ctx.systems.database();
      await ctx.confirmProduction(options.yes, `discard ${ids.length} dead letter(s)`);
      const results = await discardDeadLetters(db.pool, ids, options.reason, operatorOf(ctx));
      for (const r of results) {
        await ctx.recordAction({
          kind: 'dlq.discard',
          summary: `dead letter ${r.id} (${r.webhookType}) discarded`,
          ref: `event_store_operations:${r.auditId}`,
          outcome: 'succeeded',
        });
      }
      writeOut(ctx.io, format === 'table' ? renderDiscard(results) : renderData(format, results));
    });
}
