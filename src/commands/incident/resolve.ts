import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { changeStatus, parseIncidentId } from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { renderIncidentLine } from '../render/incident.js';
import { incidentDeps } from './shared.js';

export function registerResolve(incident: Command, context: () => CommandContext): void {
  incident
    .command('resolve')
    .description('resolve with a summary of what happened (the postmortem starts from it)')
    .argument('<id>', 'INC-42 or 42')
    .requiredOption('--summary <text>', 'what happened and what fixed it')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident resolve INC-42 --summary "expired HubSpot token rotated; DLQ replayed"\n',
    )
    .action(async (id: string, options: { summary: string }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const { db, actor } = await incidentDeps(ctx, 'resolve');
      const resolved = await changeStatus(db, incidentId, { status: 'resolved', actor, summary: options.summary });
      writeOut(ctx.io, format === 'table' ? renderIncidentLine('resolved', resolved) : renderData(format, resolved));
    });
}
