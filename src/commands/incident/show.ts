import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { buildPostmortem, parseIncidentId } from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { renderIncidentShow } from '../render/incident.js';
import { incidentDeps } from './shared.js';

export function registerShow(incident: Command, context: () => CommandContext): void {
  incident
    .command('show')
    .description('one incident with its merged timeline: alerts, status changes, notes, actions, traces looked at')
    .argument('<id>', 'INC-42 or 42')
    .addHelpText('after', '\nExamples:\n  medicalcor incident show INC-42\n  medicalcor incident show 42 -o json\n')
    .action(async (id: string) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const { db } = await incidentDeps(ctx, 'show');
      const record = await buildPostmortem(db, incidentId);
      writeOut(ctx.io, format === 'table' ? renderIncidentShow(record, ctx.io.color) : renderData(format, record));
    });
}
