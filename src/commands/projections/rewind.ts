import type { Command } from 'commander';
import { rewindProjection, type RewindTarget } from '../../core/projections/index.js';
import { renderData, usageError, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { operatorOf } from '../events/operator.js';
import { renderProjectionChange } from '../render/projections.js';

export interface Options {
  to: string;
  yes?: boolean;
}

/** A global position (digits) or a time (ISO 8601). */
export function parseRewindTarget(value: string): RewindTarget {
  if (/^\d+$/.test(value)) return { position: Number(value) };
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(time.getTime()))
    throw usageError(
      `--to "${value}" is neither a global position nor a time.`,
      'Use a position (--to 120000) or an ISO time (--to 2026-11-30T08:00:00Z).',
    );
  return { time };
}

export function registerRewind(projections: Command, context: () => CommandContext): void {
  projections
    .command('rewind')
    .description(
      "move a projection's checkpoint back to a position or a time, so the projector re-applies what follows",
    )
    .argument('<name>', 'the projection')
    .requiredOption(
      '--to <position|time>',
      'a global position, or an ISO time (the checkpoint goes to the last event before it)',
    )
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor projections rewind lead_dashboard --to 120000
  medicalcor --env production projections rewind lead_dashboard --to 2026-11-30T08:00:00Z --yes`,
    )
    .action(async (name: string, options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor projections rewind';
      const format = ctx.format(['table', 'json', 'yaml']);
      const to = parseRewindTarget(options.to);
      const db = await ctx.systems.database();
      await ctx.confirmProduction(options.yes, `rewind projection ${name} to ${options.to}`);
      const change = await rewindProjection(db.pool, name, to, operatorOf(ctx));
      await ctx.recordAction({
        kind: 'projection.rewind',
        summary: `projection ${name} rewound from ${change.before.position} to ${change.after.position}`,
        ref: `event_store_operations:${change.auditId}`,
        outcome: 'succeeded',
      });
      writeOut(ctx.io, format === 'table' ? renderProjectionChange(change) : renderData(format, change));
    });
}
