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
    .description('Incidents: one record of alerts, status, commander, notes and every action medicalcor took');
  registerOpen(incident, context);
  registerFromAlert(incident, context);
  registerList(incident, context);
  registerShow(incident, context);
  registerUpdates(incident, context);
  registerResolve(incident, context);
  registerExport(incident, context);
}
