import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { displayPath, renderData, writeOut } from '../../cli-kit/index.js';
import { packageDir } from '../../core/config/index.js';
import { writableRunbooksDir } from '../../core/config/index.js';
import { createRunbookFile } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';

export interface Options {
  dir?: string;
}

export function register(parent: Command, context: () => CommandContext): void {
  parent
    .command('new')
    .description('create a runbook file from templates/runbook.yaml')
    .argument('<id>', "the new runbook's id (lower-case letters, digits, - and _)")
    .option('--dir <dir>', "where to write it (default: the config's runbooksDir, else ./runbooks)")
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook new redis-memory-high
  medicalcor runbook new redis-memory-high --dir ops/runbooks`,
    )
    .action((id: string, options: Options) => create(context(), id, options));
}

export function create(ctx: CommandContext, id: string, options: Options): void {
  ctx.label = 'medicalcor runbook new';
  const format = ctx.format(['table', 'json', 'yaml']);
  // under the project root (or --dir), never inside the installed package
  const dir = writableRunbooksDir(ctx.config(), options.dir ? resolve(ctx.streams.cwd, options.dir) : undefined);
  const file = createRunbookFile(id, dir, join(packageDir(), 'templates', 'runbook.yaml'));
  const shown = displayPath(ctx.streams.cwd, file);
  if (format === 'table') writeOut(ctx.io, `created ${shown}\nedit it, then: medicalcor runbook validate ${shown}`);
  else writeOut(ctx.io, renderData(format, { id, path: shown }));
}
