import type { Command } from 'commander';
import { ProjectionHealthMonitor } from '../../core/projections/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderProjectionStatus } from '../render/projections.js';

export interface Options {
  name?: string[];
}

export function registerStatus(projections: Command, context: () => CommandContext): void {
  projections
    .command('status')
    .description(
      'each projection: state, position, lag in events and time, last error (exit 3 if one is failed or stale)',
    )
    .argument('[names...]', 'only these projections')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor projections status
  medicalcor --env production projections status lead_dashboard -o json`,
    )
    .action(async (names: string[]) => {
      const ctx = context();
      ctx.label = 'medicalcor projections status';
      const format = ctx.format(['table', 'json', 'yaml']);
      const db = await ctx.systems.readDatabase();
      const rows = await new ProjectionHealthMonitor(db.pool).status(names);
      if (format === 'table') writeOut(ctx.io, renderProjectionStatus(rows, ctx.io.color));
      else writeOut(ctx.io, renderData(format, { projections: rows }));
      ctx.exitCode = exitCodeFor({ problem: rows.some((r) => r.health === 'failed' || r.health === 'stale') });
    });
}
