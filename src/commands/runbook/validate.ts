import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, ExitCode, renderData, writeOut } from '../../cli-kit/index.js';
import { validateRunbookFiles } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';

export function register(parent: Command, context: () => CommandContext): void {
  parent
    .command('validate')
    .description('check runbook files (exit 2 naming the file, step and field of each problem)')
    .argument('<files...>', 'runbook YAML files')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook validate runbooks/*.yaml
  medicalcor runbook validate runbooks/redis-memory-high.yaml -o json`,
    )
    .action((files: string[]) => validate(context(), files));
}

export function validate(ctx: CommandContext, files: string[]): void {
  ctx.label = 'medicalcor runbook validate';
  const format = ctx.format(['table', 'json', 'yaml']);
  const results = validateRunbookFiles(files.map((file) => ({ file, path: resolve(ctx.streams.cwd, file) })));
  if (format === 'table') {
    for (const r of results) if (r.valid) writeOut(ctx.io, `ok  ${r.file} (${r.id}, ${r.steps} steps)`);
  } else {
    writeOut(ctx.io, renderData(format, { files: results }));
  }
  const invalid = results.filter((r) => !r.valid);
  if (invalid.length) {
    throw new CliError(
      invalid.flatMap((r) => r.issues.map((i) => `${r.file}: ${i}`)).join('\nerror: '),
      ExitCode.Usage,
      'Fix the fields named above; docs/runbook.md describes the format.',
    );
  }
}
