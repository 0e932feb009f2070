import type { Command } from 'commander';
import { renderData, writeOut } from '../../cli-kit/index.js';
import { selectSlas } from '../../core/sla/index.js';
import type { CommandContext } from '../context.js';
import { renderSlaList } from '../render/sla.js';
import { catalogueFor, catalogueOptions, type CatalogueOptions } from './shared.js';

export type Options = CatalogueOptions;

export function registerList(sla: Command, context: () => CommandContext): void {
  catalogueOptions(sla.command('list').description('list the SLA catalogue (validates it; no Prometheus needed)'))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor sla list
  medicalcor sla list --catalog slas.yaml -o json`,
    )
    .action((options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor sla list';
      const format = ctx.format(['table', 'json', 'yaml']);
      const catalogue = catalogueFor(ctx, options);
      const slas = selectSlas(catalogue, options.sla);
      const text =
        format === 'table'
          ? renderSlaList(slas, catalogue.file, ctx.io.color)
          : renderData(format, { file: catalogue.file, slas });
      writeOut(ctx.io, text);
    });
}
