import type { Command } from 'commander';
import { DEFAULT_SNAPSHOT_INTERVAL, snapshotStatus } from '../../core/snapshots/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { collectList, parseWholeNumber } from '../options.js';
import { renderSnapshotStatus } from '../render/snapshots.js';

export interface Options {
  interval: string;
  type?: string[];
  worst: string;
}

export function registerStatus(snapshots: Command, context: () => CommandContext): void {
  snapshots
    .command('status')
    .description(
      'per aggregate type: events since the last snapshot (p50/p99/max) and aggregates past the interval (exit 3 if ' +
        'any)',
    )
    .option('--interval <n>', 'the snapshot interval in events', String(DEFAULT_SNAPSHOT_INTERVAL))
    .option('--type <type>', 'only this aggregate type (repeatable, comma-separated)', collectList)
    .option('--worst <n>', 'list this many of the aggregates furthest past the interval, per type', '5')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor snapshots status
  medicalcor snapshots status --interval 50 --type Lead -o json`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor snapshots status';
      const format = ctx.format(['table', 'json', 'yaml']);
      const interval = parseWholeNumber('--interval', options.interval, { min: 1, max: 1_000_000 });
      const worst = parseWholeNumber('--worst', options.worst, { min: 0, max: 1_000 });
      const db = await ctx.systems.readDatabase();
      const status = await snapshotStatus(db.pool, { interval, worst, types: options.type });
      writeOut(ctx.io, format === 'table' ? renderSnapshotStatus(status, ctx.io.color) : renderData(format, status));
      ctx.exitCode = exitCodeFor({ problem: status.types.some((t) => t.pastInterval > 0) });
    });
}
