import { resolve } from 'node:path';
import type { Command, OptionValues } from 'commander';
import { Option } from 'commander';
import { displayPath, note, writeFileAtomically, writeOut } from '../../cli-kit/index.js';
import { buildPostmortem, parseIncidentId } from '../../core/incidents/index.js';
import type { CommandContext } from '../context.js';
import { renderPostmortemHtml, renderPostmortemMarkdown } from '../render/incident.js';
import { incidentDeps } from './shared.js';

interface ExportOptions extends OptionValues {
  format: 'markdown' | 'html';
  out?: string;
}

export function registerExport(incident: Command, context: () => CommandContext): void {
  incident
    .command('export')
    .description('write a postmortem draft: summary, impact, timeline, MTTD/MTTA/MTTI/MTTR, actions, open sections')
    .argument('<id>', 'INC-42 or 42')
    .addOption(new Option('--format <format>', 'markdown or html').choices(['markdown', 'html']).default('markdown'))
    .option('--out <file>', 'write to this file (default: stdout)')
    .addHelpText(
      'after',
      '\nExamples:\n  medicalcor incident export INC-42 > postmortem.md\n' +
        '  medicalcor incident export INC-42 --format html --out INC-42.html\n',
    )
    .action(async (id: string, options: ExportOptions) => {
      const ctx = context();
      ctx.format(['table']);
      const incidentId = parseIncidentId(id);
      const { db } = await incidentDeps(ctx, 'export');
      const record = await buildPostmortem(db, incidentId);
      const text = options.format === 'html' ? renderPostmortemHtml(record) : renderPostmortemMarkdown(record);
      if (!options.out) return writeOut(ctx.io, text);
      const path = resolve(ctx.streams.cwd, options.out);
      writeFileAtomically(path, text, { what: 'the postmortem draft' });
      note(ctx.io, `wrote ${displayPath(ctx.streams.cwd, path)}`);
    });
}
