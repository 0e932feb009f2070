import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerPause } from './pause.js';
import { registerRebuild } from './rebuild.js';
import { registerResume } from './resume.js';
import { registerRewind } from './rewind.js';
import { registerStatus } from './status.js';

export function register(program: Command, context: () => CommandContext): void {
  const projections = program
    .command('projections')
    .description('Where each projection stands against the event store; pause, resume, rewind and rebuild them')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor projections status
  medicalcor projections rebuild lead_dashboard --wait`,
    );
  registerStatus(projections, context);
  registerPause(projections, context);
  registerResume(projections, context);
  registerRewind(projections, context);
  registerRebuild(projections, context);
}
