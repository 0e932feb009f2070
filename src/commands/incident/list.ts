import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { listIncidents } from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { parseWholeNumber } from '../options.js';
import { renderIncidentTable } from '../render/incident.js';
import { incidentDeps } from './shared.js';

interface ListOptions {
  open?: boolean;
  limit: string;
}

export function registerList(incident: Command, context: () => CommandContext): void {
  incident
    .command('list')
    .description('incidents of this environment, newest first')
    .option('--open', 'only incidents not resolved yet')
    .option('--limit <n>', 'at most this many', '50')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident list --open\n  medicalcor incident list -o json | jq ".[].ref"\n',
    )
    .action(async (options: ListOptions) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 1000 });
      const { db } = await incidentDeps(ctx, 'list');
      const incidents = await listIncidents(db, { open: options.open, environment: ctx.config().envName, limit });
      writeOut(
        ctx.io,
        format === 'table' ? renderIncidentTable(incidents, ctx.io.color) : renderData(format, incidents),
      );
    });
}
