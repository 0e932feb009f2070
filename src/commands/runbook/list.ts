import type { Command } from 'commander';
import { ExitCode, note, renderData } from '../../cli-kit/index.js';
import { formatIssue, loadRunbooks } from '../../core/runbook/index.js';
import type { CommandContext } from '../context.js';
import { renderRunbookList } from '../render/runbook.js';
import { runbookDirs, type DirOptions } from './shared.js';

export type Options = DirOptions;

export function register(parent: Command, context: () => CommandContext): void {
  parent
    .command('list')
    .description(
      "the runbooks available: shipped ones, then the config's runbooksDir and --runbooks-dir " +
        '(same id: the later wins)',
    )
    .option('--runbooks-dir <dir>', 'another directory of runbooks')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor runbook list
  medicalcor runbook list --runbooks-dir ./ops/runbooks -o json`,
    )
    .action((options: Options) => list(context(), options));
}

export function list(ctx: CommandContext, options: Options): void {
  ctx.label = 'medicalcor runbook list';
  const format = ctx.format(['table', 'json', 'yaml']);
  const { runbooks, errors } = loadRunbooks(runbookDirs(ctx, options));
  const rows = runbooks.map(({ runbook: r, file, source }) => ({
    id: r.id,
    title: r.title,
    alerts: r.alerts,
    parameters: r.parameters.map((p) => p.name),
    steps: r.steps.length,
    mutatingSteps: r.steps.filter((s) => s.mutates).length,
    source,
    file,
  }));
  if (format === 'table') renderRunbookList(ctx.io, rows);
  else
    ctx.io.stdout.write(
      renderData(format, {
        runbooks: rows,
        invalid: errors.map((e) => ({ file: e.file, issues: e.issues.map(formatIssue) })),
      }),
    );
  for (const error of errors) note(ctx.io, `invalid: ${error.message}`);
  if (errors.length) ctx.exitCode = ExitCode.Problem;
}
