import { note, renderJson, writeOut } from '../../cli-kit/index.js';
import { diffModels, fixSql, MigrationProvenance, type SchemaSource } from '../../core/schema/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { differenceJson, renderDifferences, renderFixSql, renderGithub, statementJson } from '../render/schema.js';
import { labelOf, loadDeps, loadSource, progressFor, resolveSource, type ShadowOptions } from './shared.js';

export interface Options extends ShadowOptions {
  /** print the SQL turning B into A instead of the differences */
  sql?: boolean;
}

export async function run(ctx: CommandContext, a: string, b: string, options: Options): Promise<void> {
  ctx.label = 'medicalcor schema diff';
  const format = ctx.format(options.sql ? ['table', 'json'] : ['table', 'json', 'github']);
  const [sourceA, sourceB] = [resolveSource(ctx, a), resolveSource(ctx, b)];
  const progress = progressFor(ctx);
  const deps = loadDeps(ctx, options, progress.onProgress);
  const [modelA, modelB] = await Promise.all([loadSource(ctx, sourceA, deps), loadSource(ctx, sourceB, deps)]).finally(
    progress.stop,
  );
  const labels = { a: labelOf(sourceA), b: labelOf(sourceB) };
  const comparison = `${labels.a} → ${labels.b}`;
  const migrationsDir = [sourceA, sourceB].find(
    (s): s is Extract<SchemaSource, { type: 'migrations' }> => s !== 'live' && s.type === 'migrations',
  )?.dir;
  const provenance = migrationsDir ? new MigrationProvenance(migrationsDir, ctx.streams.cwd) : undefined;
  const found = diffModels(modelA, modelB, labels).map((d) => {
    const origin = provenance?.createdBy(d);
    return { ...d, comparison, migration: origin?.file, line: origin?.line };
  });
  const differences = found.filter((d) => !d.note);
  const notes = found.filter((d) => d.note);
  ctx.exitCode = exitCodeFor({ problem: differences.length > 0 });
  const statements = options.sql ? fixSql(modelA, modelB) : undefined;
  if (format === 'json') {
    return writeOut(
      ctx.io,
      renderJson({
        a: labels.a,
        b: labels.b,
        identical: differences.length === 0,
        differences: differences.map(differenceJson),
        notes: notes.map(differenceJson),
        ...(statements ? { sql: statements.map(statementJson) } : {}),
      }),
    );
  }
  if (statements) {
    renderFixSql(ctx.io, statements, { target: labels.a, current: labels.b });
    note(
      ctx.io,
      `${statements.length} statement(s), ${statements.filter((s) => s.destructive).length} destructive, ` +
        `for ${differences.length} difference(s)`,
    );
    return;
  }
  if (format === 'github') return renderGithub(ctx.io, ctx.streams.cwd, found, []);
  renderDifferences(ctx.io, differences);
  if (notes.length) renderDifferences(ctx.io, notes, 'note(s), not drift');
  writeOut(
    ctx.io,
    differences.length
      ? `\n${differences.length} difference(s).`
      : `No differences between ${labels.a} and ${labels.b}.`,
  );
}
