import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import {
  addNote,
  assignCommander,
  changeStatus,
  checkStatus,
  parseIncidentId,
  type Incident,
} from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { renderIncidentLine } from '../render/incident.js';
import { incidentDeps } from './shared.js';

const REOPEN = '--reopen';

function show(ctx: CommandContext, format: string, what: string, incident: Incident): void {
  writeOut(ctx.io, format === 'table' ? renderIncidentLine(what, incident) : renderData(format as 'json', incident));
}

/** ack, status, assign and note: each changes one thing and leaves one timeline entry. */
export function registerUpdates(incident: Command, context: () => CommandContext): void {
  incident
    .command('ack')
    .description('acknowledge: someone is on it (sets the time MTTA is measured to)')
    .argument('<id>', 'INC-42 or 42')
    .option(REOPEN, 'allow this on a resolved incident, reopening it')
    .addHelpText('after', '\nExamples:\n  medicalcor incident ack INC-42\n')
    .action(async (id: string, options: { reopen?: boolean }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const { db, actor } = await incidentDeps(ctx, 'ack');
      const updated = await changeStatus(db, incidentId, { status: 'acknowledged', actor, reopen: options.reopen });
      show(ctx, format, 'acknowledged', updated);
    });

  incident
    .command('status')
    .description(
      'move to a status: triggered, acknowledged, investigating, identified, monitoring (resolve: "resolve")',
    )
    .argument('<id>', 'INC-42 or 42')
    .argument('<status>', 'the new status')
    .option('--note <text>', 'why, on the timeline')
    .option(REOPEN, 'allow this on a resolved incident, reopening it')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident status INC-42 identified --note "HubSpot token expired"\n' +
        '  medicalcor incident status INC-42 investigating --reopen\n',
    )
    .action(async (id: string, status: string, options: { note?: string; reopen?: boolean }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const next = checkStatus(status);
      const { db, actor } = await incidentDeps(ctx, 'status');
      const updated = await changeStatus(db, incidentId, {
        status: next,
        actor,
        note: options.note,
        reopen: options.reopen,
      });
      show(ctx, format, `now ${next}`, updated);
    });

  incident
    .command('assign')
    .description('name the incident commander')
    .argument('<id>', 'INC-42 or 42')
    .argument('<commander>', 'who leads the response')
    .addHelpText('after', '\nExamples:\n  medicalcor incident assign INC-42 ana@medicalcor.ro\n')
    .action(async (id: string, commander: string) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const { db, actor } = await incidentDeps(ctx, 'assign');
      show(ctx, format, `commander ${commander}`, await assignCommander(db, incidentId, commander, actor));
    });

  incident
    .command('note')
    .description('add a note to the timeline (masked: no patient data is stored)')
    .argument('<id>', 'INC-42 or 42')
    .argument('<text...>', 'the note')
    .addHelpText('after', '\nExamples:\n  medicalcor incident note INC-42 "rolled back the 14:02 deploy"\n')
    .action(async (id: string, words: string[]) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const incidentId = parseIncidentId(id);
      const { db, actor } = await incidentDeps(ctx, 'note');
      const entry = await addNote(db, incidentId, words.join(' '), actor);
      writeOut(ctx.io, format === 'table' ? `noted on INC-${incidentId}: ${entry.text}` : renderData(format, entry));
    });
}
