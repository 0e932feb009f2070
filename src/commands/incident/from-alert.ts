import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { describeOutcome, incidentFromAlert } from '../../core/incidents/index.js';
import { parseAlertPayload } from '../../core/runbook/alerts.js';
import type { CommandContext } from '../context.js';
import { readInput } from '../input.js';
import { incidentDeps } from './shared.js';

export function registerFromAlert(incident: Command, context: () => CommandContext): void {
  incident
    .command('from-alert')
    .description('file an AlertManager webhook payload: opens one incident per alert group, appends re-fired alerts')
    .argument('<file>', 'the payload as JSON, or - for stdin')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident from-alert alert.json\n  curl -s $HOOK_DUMP | medicalcor incident ' +
        'from-alert - -o json\n',
    )
    .action(async (file: string) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml']);
      const { text, source } = await readInput(ctx, file);
      const payload = parseAlertPayload(text, source);
      const { db, actor } = await incidentDeps(ctx, 'from-alert');
      const outcome = await incidentFromAlert(db, payload, { environment: ctx.config().envName, actor });
      if (format !== 'table') return writeOut(ctx.io, renderData(format, outcome));
      const title = outcome.incident ? `: ${outcome.incident.title} (${outcome.incident.severity})` : '';
      writeOut(ctx.io, `${describeOutcome(outcome)}${title}; ${outcome.alerts} alert(s) on its timeline`);
    });
}
