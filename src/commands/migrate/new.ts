import type { Command } from 'commander';
import { writableMigrationsDir } from '../../core/config/index.js';
import { createMigrationFile } from '../../core/migrations/index.js';
import { packageDir } from '../../core/config/index.js';
import { displayPath, renderData, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';

export async function run(ctx: CommandContext, name: string): Promise<void> {
  const format = ctx.format(['table', 'json', 'yaml']);
  const { version, path } = createMigrationFile(
    writableMigrationsDir(ctx.config()),
    name,
    `${packageDir()}/templates/migration.sql`,
  );
  const shown = displayPath(ctx.streams.cwd, path);
  writeOut(ctx.io, format === 'table' ? `created ${shown}` : renderData(format, { version, path: shown }));
}

export function register(migrate: Command, _program: Command, context: () => CommandContext): void {
  migrate
    .command('new')
    .description('create a migration file from templates/migration.sql')
    .argument('<name>', 'what the migration does, in snake_case (e.g. add_leads_source)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor migrate new add_leads_source
  medicalcor migrate new add_leads_source -o json | jq -r .path`,
    )
    .action((name: string) => run(context(), name));
}
