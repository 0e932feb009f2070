import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  checkSchema, defaultCacheDir, detectSource, diffModels, displayName, groupOf, loadModel, MigrationProvenance, serializeSnapshot, SNAPSHOT_FILENAME,
  type LoadDeps, type PolicyViolation, type SchemaCheckResult, type SchemaDifference, type SchemaSource, type ShadowMode,
} from '../core/schema/index.js';
import { chalkFor, displayPath, ExitCode, formatAnnotation, note, renderJson, renderYaml, usageError, writeFileAtomically, writeOut, type OutputFormat } from '../cli-kit/index.js';
import type { CommandContext } from './context.js';
import { withDatabase } from './connections.js';

interface ShadowOptions {
  shadow: ShadowMode;
}

const shadowOption = (program: Command) =>
  program.createOption('--shadow <where>', 'where the migrations are applied: a temporary database on the configured server, or the embedded PGlite')
    .choices(['auto', 'server', 'embedded'])
    .default('auto');

function loadDeps(ctx: CommandContext, options: ShadowOptions): LoadDeps {
  return {
    cacheDir: defaultCacheDir(ctx.streams.env),
    shadowServerUrl: ctx.config().databaseUrl,
    shadowMode: options.shadow,
    signal: ctx.signal,
    secrets: ctx.io.secrets,
    onNote: (line) => note(ctx.io, line),
  };
}

const shown = (ctx: CommandContext, path: string) => displayPath(ctx.streams.cwd, path);

/** A source argument: a URL, a directory, a file, or one of the words migrations / snapshot / live. */
function resolveSource(ctx: CommandContext, arg: string): SchemaSource | 'live' {
  const migrationsDir = ctx.config().migrationsDir;
  if (arg === 'migrations') return { type: 'migrations', dir: migrationsDir, label: 'migrations' };
  if (arg === 'snapshot') return { type: 'snapshot', file: join(migrationsDir, SNAPSHOT_FILENAME), label: 'snapshot' };
  if (arg === 'live') return 'live';
  return detectSource(arg, ctx.streams.cwd);
}

/** Loads a source, opening the environment's (or the embedded) database for "live". */
async function loadSource(ctx: CommandContext, source: SchemaSource | 'live', deps: LoadDeps) {
  if (source !== 'live') return loadModel(source, deps);
  return withDatabase(ctx, 'schema', (db) => loadModel({ type: 'database', url: db.url, label: 'live database' }, db.embedded ? { ...deps, shadowServerUrl: undefined } : deps));
}

const labelOf = (source: SchemaSource | 'live') => (source === 'live' ? 'live database' : source.label);

function differenceJson(d: SchemaDifference) {
  return {
    ...(d.comparison ? { comparison: d.comparison } : {}),
    kind: d.kind,
    name: d.name,
    table: d.table ?? null,
    change: d.change,
    changes: d.changes,
    summary: d.summary,
    migration: d.migration ?? null,
  };
}

function renderDifferencesTable(ctx: CommandContext, differences: readonly SchemaDifference[]): void {
  const chalk = chalkFor(ctx.io);
  let comparison: string | undefined;
  let group: string | undefined;
  for (const d of differences) {
    if (d.comparison !== comparison) {
      comparison = d.comparison;
      group = undefined;
      const count = differences.filter((x) => x.comparison === comparison).length;
      writeOut(ctx.io, chalk.bold(`\n${comparison}: ${count} difference(s)`));
    }
    if (groupOf(d) !== group) {
      group = groupOf(d);
      writeOut(ctx.io, `  ${chalk.bold(displayName(group))}`);
    }
    const colour = d.change === 'added' ? chalk.green : d.change === 'removed' ? chalk.red : chalk.yellow;
    writeOut(ctx.io, `    ${colour(d.summary)}`);
    if (d.migration) writeOut(ctx.io, chalk.dim(`      last touched by ${d.migration}`));
  }
}

function renderViolationsTable(ctx: CommandContext, violations: readonly PolicyViolation[]): void {
  if (!violations.length) return;
  const chalk = chalkFor(ctx.io);
  writeOut(ctx.io, chalk.bold(`\npatient-data policy (${shown(ctx, violations[0]!.policyFile)}): ${violations.length} violation(s)`));
  for (const v of violations) writeOut(ctx.io, `  ${chalk.red(`${v.table}: ${v.message}`)}  [${v.rule}]`);
}

function renderGithub(ctx: CommandContext, differences: readonly SchemaDifference[], violations: readonly PolicyViolation[], fallbackFile?: string): void {
  for (const d of differences) {
    const file = d.migration ?? fallbackFile;
    writeOut(ctx.io, formatAnnotation({ level: 'error', file, title: `schema drift (${d.comparison ?? 'diff'})`, message: d.summary }));
  }
  for (const v of violations) {
    writeOut(ctx.io, formatAnnotation({ level: 'error', file: shown(ctx, v.policyFile), title: `patient-data policy: ${v.rule}`, message: `${v.table}: ${v.message}` }));
  }
}

function renderCheck(ctx: CommandContext, format: OutputFormat, result: SchemaCheckResult): void {
  const snapshot = result.snapshotFile ? shown(ctx, result.snapshotFile) : null;
  if (format === 'json') {
    writeOut(ctx.io, renderJson({
      ok: result.ok,
      comparisons: result.comparisons,
      snapshot,
      policy: result.policyFile ? shown(ctx, result.policyFile) : null,
      differences: result.differences.map(differenceJson),
      policyViolations: result.policyViolations.map((v) => ({ ...v, policyFile: shown(ctx, v.policyFile) })),
    }));
    return;
  }
  if (format === 'github') {
    renderGithub(ctx, result.differences, result.policyViolations, snapshot ?? undefined);
    return;
  }
  renderDifferencesTable(ctx, result.differences);
  renderViolationsTable(ctx, result.policyViolations);
  const chalk = chalkFor(ctx.io);
  if (result.ok) {
    writeOut(ctx.io, chalk.green(`No drift (${result.comparisons.join('; ')})${result.policyFile ? '; the patient-data policy holds' : ''}.`));
  } else {
    writeOut(ctx.io, `\n${result.differences.length} difference(s), ${result.policyViolations.length} policy violation(s).`);
    if (result.differences.some((d) => d.comparison?.startsWith('snapshot'))) {
      writeOut(ctx.io, `If the migrations are right, regenerate the snapshot: medicalcor schema dump --out ${snapshot}`);
    }
  }
}

export function register(program: Command, context: () => CommandContext): void {
  const schema = program.command('schema').description('Snapshot, diff and check the schema against the migrations and live databases (exit 3 on drift)');

  schema
    .command('dump')
    .description('write the normalized, deterministic schema snapshot (default: of what the migrations produce)')
    .option('--from <source>', 'migrations | live | a postgres:// URL | a migrations directory | a snapshot file', 'migrations')
    .option('--out <file>', 'write to FILE instead of stdout (written whole or not at all)')
    .addOption(shadowOption(program))
    .action(async (options: ShadowOptions & { from: string; out?: string }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'yaml'], 'json');
      const source = resolveSource(ctx, options.from);
      const model = await loadSource(ctx, source, loadDeps(ctx, options));
      const text = format === 'yaml' ? renderYaml(JSON.parse(serializeSnapshot(model))) : serializeSnapshot(model);
      if (!options.out) return writeOut(ctx.io, text);
      const target = resolve(ctx.streams.cwd, options.out);
      writeFileAtomically(target, text, { what: 'the snapshot' });
      note(ctx.io, `wrote ${shown(ctx, target)} (${model.objects.size} objects from ${labelOf(source)})`);
    });

  schema
    .command('diff')
    .description('compare two schemas; each of A and B is a postgres:// URL, a migrations directory, a snapshot file, or migrations | snapshot | live (exit 3 if they differ)')
    .argument('<a>', 'the reference schema')
    .argument('<b>', 'the schema compared with it')
    .addOption(shadowOption(program))
    .action(async (a: string, b: string, options: ShadowOptions) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'github']);
      const [sourceA, sourceB] = [resolveSource(ctx, a), resolveSource(ctx, b)];
      const deps = loadDeps(ctx, options);
      const [modelA, modelB] = await Promise.all([loadSource(ctx, sourceA, deps), loadSource(ctx, sourceB, deps)]);
      const labels = { a: labelOf(sourceA), b: labelOf(sourceB) };
      const comparison = `${labels.a} → ${labels.b}`;
      const migrationsDir = [sourceA, sourceB].find((s): s is Extract<SchemaSource, { type: 'migrations' }> => s !== 'live' && s.type === 'migrations')?.dir;
      const provenance = migrationsDir ? new MigrationProvenance(migrationsDir, ctx.streams.cwd) : undefined;
      const differences = diffModels(modelA, modelB, labels).map((d) => ({ ...d, comparison, migration: provenance?.lastTouching(d) }));
      ctx.exitCode = differences.length ? ExitCode.Problem : ExitCode.Ok;
      if (format === 'json') return writeOut(ctx.io, renderJson({ a: labels.a, b: labels.b, identical: differences.length === 0, differences: differences.map(differenceJson) }));
      if (format === 'github') return renderGithub(ctx, differences, []);
      renderDifferencesTable(ctx, differences);
      writeOut(ctx.io, differences.length ? `\n${differences.length} difference(s).` : `No differences between ${labels.a} and ${labels.b}.`);
    });

  schema
    .command('check')
    .description('CI gate: the migrations (on a shadow database) against the committed snapshot, the live database with --live, and the patient-data policy (exit 3 on any difference or violation)')
    .option('--live', "also compare with the environment's database")
    .option('--snapshot <file>', `the snapshot (default: ${SNAPSHOT_FILENAME} beside the migrations)`)
    .addOption(shadowOption(program))
    .action(async (options: ShadowOptions & { live?: boolean; snapshot?: string }) => {
      const ctx = context();
      const format = ctx.format(['table', 'json', 'github']);
      const config = ctx.config();
      let snapshotFile: string | undefined = resolve(ctx.streams.cwd, options.snapshot ?? join(config.migrationsDir, SNAPSHOT_FILENAME));
      if (!options.snapshot && options.live && !existsSync(snapshotFile)) {
        note(ctx.io, `note: no ${SNAPSHOT_FILENAME} beside the migrations; comparing the migrations with the live database only`);
        snapshotFile = undefined;
      }
      const run = (liveUrl?: string, embeddedLive = false) => {
        const deps = loadDeps(ctx, options);
        return checkSchema({
          migrationsDir: config.migrationsDir, snapshotFile, liveUrl, cwd: ctx.streams.cwd, signal: ctx.signal, cacheDir: deps.cacheDir,
          shadowServerUrl: embeddedLive ? undefined : config.databaseUrl, shadowMode: options.shadow, secrets: ctx.io.secrets, onNote: deps.onNote,
        });
      };
      const result = options.live ? await withDatabase(ctx, 'schema check', (db) => run(db.url, db.embedded)) : await run();
      renderCheck(ctx, format, result);
      ctx.exitCode = result.ok ? ExitCode.Ok : ExitCode.Problem;
    });

  // keeps "medicalcor schema" without a subcommand a usage error with the list, not a silent 0
  schema.action(() => {
    throw usageError('medicalcor schema needs a subcommand: dump, diff or check.', 'Run "medicalcor schema --help".');
  });
}
