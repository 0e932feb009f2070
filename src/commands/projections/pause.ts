import type { Command } from 'commander';
import { pauseProjection, resumeProjection, type ProjectionChange } from '../../core/projections/index.js';
import { renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { operatorOf } from '../events/operator.js';
import { renderProjectionChange } from '../render/projections.js';

export interface Options {
  yes?: boolean;
}

type Toggle = typeof pauseProjection;

/** pause and resume share their shape: one projection, a guard, one core call, the audit row. */
function registerToggle(
  projections: Command,
  context: () => CommandContext,
  verb: 'pause' | 'resume',
  apply: Toggle,
  description: string,
): void {
  projections
    .command(verb)
    .description(description)
    .argument('<name>', 'the projection, as "projections status" lists it')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor projections ${verb} lead_dashboard
  medicalcor --env production projections ${verb} lead_dashboard --yes`,
    )
    .action(async (name: string, options: Options) => {
      const ctx = context();
      ctx.label = `medicalcor projections ${verb}`;
      const format = ctx.format(['table', 'json', 'yaml']);
      const db = await ctx.systems.database();
      await ctx.confirmProduction(options.yes, `${verb} projection ${name}`);
      const change: ProjectionChange = await apply(db.pool, name, operatorOf(ctx));
      if (change.changed) {
        await ctx.recordAction({
          kind: change.operation,
          summary: `projection ${name} ${verb}d`,
          ref: `event_store_operations:${change.auditId}`,
          outcome: 'succeeded',
        });
      }
      writeOut(ctx.io, format === 'table' ? renderProjectionChange(change) : renderData(format, change));
    });
}

export function registerPause(projections: Command, context: () => CommandContext): void {
  registerToggle(
    projections,
    context,
    'pause',
    pauseProjection,
    'stop a projection at its checkpoint (the projector skips it until resumed)',
  );
}

export function registerResume(projections: Command, context: () => CommandContext): void {
  registerToggle(
    projections,
    context,
    'resume',
    resumeProjection,
    'set a paused or failed projection active again (clears its last error)',
  );
}
