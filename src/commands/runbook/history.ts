import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { recentRuns, runStory } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { parseWholeNumber } from '../options.js';
import { renderRunList, renderRunStory } from '../render/runbook.js';

export interface Options {
  run?: string;
  allEnvs?: boolean;
  limit: string;
}

export function register(parent: Command, context: () => CommandContext): void {
  parent
    .command('history')
    .description("recorded real runs, newest first; --run shows one run's steps")
    .argument('[id]', 'only runs of this runbook')
    .option('--run <run-id>', 'the steps of one run (and of the runs it resumed or that resumed it)')
    .option('--all-envs', 'runs on every environment, not only the selected one')
    .addOption(parent.createOption('--limit <n>', 'how many runs').default('20'))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook history
  medicalcor runbook history dlq-replay --limit 5
  medicalcor runbook history --run 0b6f3c1e-5d0a-4f7e-9c1b-2a9e8d7c6b5a -o json`,
    )
    .action((id: string | undefined, options: Options) => history(context(), id, options));
}

export async function history(ctx: CommandContext, id: string | undefined, options: Options): Promise<void> {
  ctx.label = 'medicalcor runbook history';
  const format = ctx.format(['table', 'json', 'yaml']);
  const limit = parseWholeNumber('--limit', options.limit);
  const db = await ctx.systems.database();
  if (options.run) {
    const story = await runStory(db, options.run);
    if (format === 'table') renderRunStory(ctx.io, story);
    else writeOut(ctx.io, renderData(format, story));
    return;
  }
  const environment = options.allEnvs ? undefined : ctx.config().envName;
  const runs = await recentRuns(db, { runbookId: id, environment, limit });
  if (format !== 'table') return writeOut(ctx.io, renderData(format, { runs }));
  renderRunList(
    ctx.io,
    runs,
    `No recorded runs${id ? ` of ${id}` : ''} on ${options.allEnvs ? 'any environment' : ctx.config().envName}.`,
  );
}
