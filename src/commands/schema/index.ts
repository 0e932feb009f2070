import type { Command } from 'commander';
import { usageError } from '../../cli-kit/index.js';
// only the constant: the verbs (and the core they load) are imported when one runs, so --help stays quick
import { SNAPSHOT_FILENAME } from '../../core/schema/snapshot.js';
import type { CommandContext } from '../context.js';

const shadowOption = (program: Command) =>
  program
    .createOption(
      '--shadow <where>',
      'where the migrations are applied: a temporary database on the configured server, or the embedded PGlite',
    )
    .choices(['auto', 'server', 'embedded'])
    .default('auto');

const noCacheOption = (program: Command) =>
  program.createOption(
    '--no-cache',
    'apply the migrations to a shadow even when the model of the same files is cached',
  );

export function register(program: Command, context: () => CommandContext): void {
  const schema = program
    .command('schema')
    .description('Snapshot, diff and check the schema against the migrations and live databases (exit 3 on drift)');

  schema
    .command('dump')
    .description('write the normalized, deterministic schema snapshot (default: of what the migrations produce)')
    .option(
      '--from <source>',
      'migrations | live | a postgres:// URL | a migrations directory | a snapshot file',
      'migrations',
    )
    .option('--out <file>', 'write to FILE instead of stdout (written whole or not at all)')
    .addOption(shadowOption(program))
    .addOption(noCacheOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor schema dump --out src/migrations/schema.snapshot.json   regenerate the committed snapshot
  medicalcor schema dump --from live -o yaml                          the live database's schema as YAML`,
    )
    .action(async (options) => (await import('./dump.js')).run(context(), options));

  schema
    .command('diff')
    .description(
      'compare two schemas; each of A and B is a postgres:// URL, a migrations directory, a snapshot file, ' +
        'or migrations | snapshot | live (exit 3 if they differ)',
    )
    .argument('<a>', 'the reference schema')
    .argument('<b>', 'the schema compared with it')
    .option(
      '--sql',
      'print the SQL that turns B into A, in dependency order, each statement marked safe or destructive',
    )
    .addOption(shadowOption(program))
    .addOption(noCacheOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor schema diff migrations live              what the live database lacks or has extra
  medicalcor schema diff migrations live --sql > fix.sql   the SQL that brings the live database in line
  medicalcor schema diff old.snapshot.json snapshot -o json`,
    )
    .action(async (a: string, b: string, options) => (await import('./diff.js')).run(context(), a, b, options));

  schema
    .command('check')
    .description(
      'CI gate: the migrations (on a shadow database, or its cached model) against the committed snapshot, ' +
        'the live database with --live, the patient-data policy and the sample events ' +
        '(exit 3 on any difference, violation or invalid sample event)',
    )
    .option('--live', "also compare with the environment's database")
    .option('--snapshot <file>', `the snapshot (default: ${SNAPSHOT_FILENAME} beside the migrations)`)
    .option('--sql', 'with --live: print the SQL turning the live database into what the migrations produce')
    .option(
      '--sample-events <file>',
      'events (.jsonl, or a .sql seed) loaded into the shadow and checked against the registry ' +
        '(default: sample-events.jsonl beside the migrations)',
    )
    .option(
      '--against-registry <file>',
      'check the sample events against a proposed registry (JSON from "events schemas --export", or an ES module)',
    )
    .addOption(shadowOption(program))
    .addOption(noCacheOption(program))
    .addHelpText(
      'after',
      `
Examples:
  medicalcor schema check                       CI: migrations vs the committed snapshot, policy gates
  medicalcor schema check -o github             the same, as GitHub annotations on the migration lines
  medicalcor schema check --live --env staging  also compare with the staging database
  medicalcor schema check --live --sql          the SQL that would remove the live drift
  medicalcor schema check --against-registry proposed.json   the sample events against a proposed registry`,
    )
    .action(async (options) => (await import('./check.js')).run(context(), options));

  // keeps "medicalcor schema" without a subcommand a usage error with the list, not a silent 0
  schema.action(() => {
    throw usageError('medicalcor schema needs a subcommand: dump, diff or check.', 'Run "medicalcor schema --help".');
  });
}
