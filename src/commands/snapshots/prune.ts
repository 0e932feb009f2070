import type { Command } from 'commander';
import { pruneSnapshots } from '../../core/snapshots/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { operatorOf } from '../events/operator.js';
import { collectList, parseWholeNumber } from '../options.js';
import { renderPrune } from '../render/snapshots.js';

export interface Options {
  keep: string;
  type?: string[];
  dryRun?: boolean;
  yes?: boolean;
}

export function registerPrune(snapshots: Command, context: () => CommandContext): void {
  snapshots
    .command('prune')
    .description('delete all but the newest N snapshots of every aggregate')
    .requiredOption('--keep <n>', 'snapshots to keep per aggregate (at least 1)')
    .option('--type <type>', 'only this aggregate type (repeatable, comma-separated)', collectList)
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor snapshots prune --keep 2 --dry-run
  medicalcor --env production snapshots prune --keep 2 --yes`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor snapshots prune';
      const format = ctx.format(['table', 'json', 'yaml']);
      const keep = parseWholeNumber('--keep', options.keep, { min: 1, max: 1_000 });
      const db = await ctx.systems.database();
      if (!options.dryRun) await ctx.confirmProduction(options.yes, `delete all but ${keep} snapshots per aggregate`);
      const report = await pruneSnapshots(db.pool, {
        keep,
        execute: !options.dryRun,
        types: options.type,
        operator: operatorOf(ctx),
      });
      if (!report.dryRun) {
        await ctx.recordAction({
          kind: 'snapshots.prune',
          summary: `pruned ${report.pruned} snapshots, keeping ${keep} per aggregate`,
          outcome: 'succeeded',
        });
      }
      writeOut(ctx.io, format === 'table' ? renderPrune(report) : renderData(format, report));
    });
}
