import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { checkSeverity, openIncident } from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { collectList } from '../options.js';
import { renderIncidentLine } from '../render/incident.js';
import { incidentDeps } from './shared.js';

interface OpenOptions {
  title: string;
  severity: string;
  service?: string[];
}

export function registerOpen(incident: Command, context: () => CommandContext): void {
  incident
    .command('open')
    .description('open an incident by hand (status triggered); prints its ID')
    .requiredOption('--title <text>', 'what is wrong, in one line (no patient data: it is masked anyway)')
    .requiredOption('--severity <P1-P4>', 'P1 (most severe) to P4')
    .option('--service <name>', 'an affected service (repeat or comma-separate)', collectList)
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident open --title "WhatsApp webhooks failing" --severity P2 --service api\n' +
        '  export MEDICALCOR_INCIDENT=$(medicalcor incident open --title "DLQ growing" --severity P3 -o json | jq -r ' +
        '.ref)\n',
    )
    .action(async (options: OpenOptions) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const severity = checkSeverity(options.severity);
      const { db, actor } = await incidentDeps(ctx, 'open');
      const opened = await openIncident(db, {
        title: options.title,
        severity,
        services: options.service,
        environment: ctx.config().envName,
        actor,
      });
      writeOut(ctx.io, format === 'table' ? renderIncidentLine('opened', opened) : renderData(format, opened));
    });
}
