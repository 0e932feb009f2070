import type { Command } from 'commander';
import { describeRegistry, registryToJson } from '../../core/events/index.js';
import { renderData, writeFileAtomically, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { renderSchemas } from '../render/events.js';
import { registryFor } from './registry-source.js';

export interface Options {
  againstRegistry?: string;
  export?: string;
}

export function registerSchemas(events: Command, context: () => CommandContext): void {
  events
    .command('schemas')
    .description(
      'registered event types, their payload versions and upcaster coverage ' +
        '(exit 3 if a version cannot reach the latest)',
    )
    .option(
      '--against-registry <file>',
      'describe a proposed registry (JSON written by --export, or an ES module exporting "registry")',
    )
    .option(
      '--export <file>',
      'also write the registry as JSON (payload JSON Schemas, upcaster flags) for a later --against-registry',
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor events schemas
  medicalcor events schemas -o json | jq '.types[] | select(.uncovered != [])'
  medicalcor events schemas --export proposed-registry.json`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor events schemas';
      const format = ctx.format(['table', 'json', 'yaml']);
      const { registry, source } = await registryFor(ctx, options.againstRegistry);
      const types = describeRegistry(registry);
      if (options.export)
        writeFileAtomically(options.export, `${JSON.stringify(registryToJson(registry), null, 2)}\n`, {
          what: 'the registry file',
        });
      if (format === 'table') writeOut(ctx.io, renderSchemas(types, source, ctx.io.color));
      else writeOut(ctx.io, renderData(format, { registry: source, types }));
      ctx.exitCode = exitCodeFor({ problem: types.some((t) => t.uncovered.length > 0) });
    });
}
