import type { Command } from 'commander';
import { renderData } from '../../cli-kit/index.js';
import { findRunbook } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { renderRunbook } from '../render/runbook.js';
import { runbookDirs, type DirOptions } from './shared.js';

export type Options = DirOptions;

export function register(parent: Command, context: () => CommandContext): void {
  parent
    .command('show')
    .description("a runbook's parameters and steps")
    .argument('<id>', 'runbook id')
    .option('--runbooks-dir <dir>', 'another directory of runbooks')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook show dlq-replay
  medicalcor runbook show db-pool-exhausted -o json`,
    )
    .action((id: string, options: Options) => show(context(), id, options));
}

export function show(ctx: CommandContext, id: string, options: Options): void {
  ctx.label = 'medicalcor runbook show';
  const format = ctx.format(['table', 'json', 'yaml']);
  const loaded = findRunbook(runbookDirs(ctx, options), id);
  if (format === 'table') renderRunbook(ctx.io, ctx.streams.cwd, loaded);
  else ctx.io.stdout.write(renderData(format, { ...loaded.runbook, file: loaded.file, source: loaded.source }));
}
