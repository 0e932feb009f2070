import type { Command } from 'commander';
import { rebuildProjection, waitUntilCaughtUp, type ProjectionStatus } from '../../core/projections/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { progressReporter, operatorOf } from '../events/operator.js';
import { parseDurationOption } from '../options.js';
import { percent, renderProjectionChange } from '../render/projections.js';

export interface Options {
  wait?: boolean;
  timeout?: string;
  interval?: string;
  yes?: boolean;
}

export function registerRebuild(projections: Command, context: () => CommandContext): void {
  projections
    .command('rebuild')
    .description(
      "reset a projection's checkpoint to the start so the projector replays every event (audited; production guard)",
    )
    .argument('<name>', 'the projection')
    .option('--wait', 'then wait, with progress, until it has caught up with the event store as it was at the reset')
    .option('--timeout <duration>', 'how long --wait waits (default 30m)')
    .option('--interval <duration>', 'how often --wait looks (default 2s)')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor projections rebuild lead_dashboard
  medicalcor --env production projections rebuild lead_dashboard --wait --timeout 1h --yes

Ctrl-C during --wait stops waiting (exit 130); the rebuild itself goes on.`,
    )
    .action(async (name: string, options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor projections rebuild';
      const format = ctx.format(['table', 'json', 'yaml']);
      const timeoutMs = options.timeout === undefined ? undefined : parseDurationOption('--timeout', options.timeout);
      const intervalMs = options.interval === undefined ? 2_000 : parseDurationOption('--interval', options.interval);
      const db = await ctx.systems.database();
      await ctx.confirmProduction(options.yes, `rebuild projection ${name} (replay every event)`);
      const change = await rebuildProjection(db.pool, name, operatorOf(ctx));
      await ctx.recordAction({
        kind: 'projection.rebuild',
        summary: `projection ${name} rebuild started`,
        ref: `event_store_operations:${change.auditId}`,
        outcome: 'succeeded',
      });
      if (format === 'table') writeOut(ctx.io, renderProjectionChange(change));
      if (!options.wait) {
        if (format !== 'table') writeOut(ctx.io, renderData(format, change));
        return;
      }
      const progress = await progressReporter(ctx, `waiting for ${name} to replay…`);
      let caughtUp: ProjectionStatus;
      try {
        caughtUp = await waitUntilCaughtUp(db.pool, name, {
          intervalMs,
          timeoutMs,
          signal: ctx.signal,
          onProgress: (s, target) =>
            progress.update(`${name}: position ${s.position} of ${target} (${percent(s.position, target)})`),
        });
      } finally {
        progress.stop();
      }
      if (format === 'table')
        writeOut(ctx.io, `${name}: caught up at position ${caughtUp.position} (${caughtUp.state}).`);
      else writeOut(ctx.io, renderData(format, { ...change, caughtUp }));
    });
}
