import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerExport } from './export.js';
import { registerFromAlert } from './from-alert.js';
import { registerList } from './list.js';
import { registerOpen } from './open.js';
import { registerResolve } from './resolve.js';
import { registerShow } from './show.js';
import { registerUpdates } from './update.js';

export function register(program: Command, context: () => CommandContext): void {
  const incident = program
    .command('incident')
    .description('Incidents: one record of alerts, status, commander, notes and every action medicalcor took')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident open --title "WhatsApp webhooks failing" --severity P2\n' +
        '  medicalcor --incident INC-42 breaker open hubspot --for 10m --reason "HubSpot 5xx"\n' +
        '  medicalcor incident export INC-42 --format html --out INC-42.html\n',
    );
  registerOpen(incident, context);
  registerFromAlert(incident, context);
  registerList(incident, context);
  registerShow(incident, context);
  registerUpdates(incident, context);
  registerResolve(incident, context);
  registerExport(incident, context);
}
