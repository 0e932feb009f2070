import {
  chalkFor,
  displayPath,
  formatAnnotation,
  renderJson,
  writeOut,
  type Io,
  type OutputFormat,
} from '../../cli-kit/index.js';
import {
  displayName,
  fixScript,
  groupOf,
  type FixStatement,
  type PolicyViolation,
  type SchemaCheckResult,
  type SchemaDifference,
} from '../../core/schema/index.js';
import {
  sampleEventsAnnotations,
  sampleEventsJson,
  sampleEventsLines,
  sampleFindings,
} from '../schema/sample-events-view.js';

/** One difference in the documented JSON shape. */
export function differenceJson(d: SchemaDifference) {
  return {
    ...(d.comparison ? { comparison: d.comparison } : {}),
    kind: d.kind,
    name: d.name,
    table: d.table ?? null,
    change: d.change,
    changes: d.changes,
    summary: d.summary,
    migration: d.migration ?? null,
    line: d.line ?? null,
  };
}

export function renderDifferences(io: Io, differences: readonly SchemaDifference[], heading = 'difference(s)'): void {
  const chalk = chalkFor(io);
  let comparison: string | undefined;
  let group: string | undefined;
  for (const d of differences) {
    if (d.comparison !== comparison) {
      comparison = d.comparison;
      group = undefined;
      const count = differences.filter((x) => x.comparison === comparison).length;
      writeOut(io, chalk.bold(`\n${comparison}: ${count} ${heading}`));
    }
    if (groupOf(d) !== group) {
      group = groupOf(d);
      writeOut(io, `  ${chalk.bold(displayName(group))}`);
    }
    const colour = d.note
      ? chalk.dim
      : d.change === 'added'
        ? chalk.green
        : d.change === 'removed'
          ? chalk.red
          : chalk.yellow;
    writeOut(io, `    ${colour(d.summary)}`);
    if (d.migration) writeOut(io, chalk.dim(`      created by ${d.migration}${d.line ? `:${d.line}` : ''}`));
  }
}

function renderViolations(io: Io, cwd: string, violations: readonly PolicyViolation[]): void {
  if (!violations.length) return;
  const chalk = chalkFor(io);
  writeOut(
    io,
    chalk.bold(
      `\npatient-data policy (${displayPath(cwd, violations[0]!.policyFile)}): ${violations.length} violation(s)`,
    ),
  );
  for (const v of violations) writeOut(io, `  ${chalk.red(`${v.table}: ${v.message}`)}  [${v.rule}]`);
}

export function renderGithub(
  io: Io,
  cwd: string,
  differences: readonly SchemaDifference[],
  violations: readonly PolicyViolation[],
  fallbackFile?: string,
): void {
  for (const d of differences) {
    const file = d.migration ?? fallbackFile;
    writeOut(
      io,
      formatAnnotation({
        level: d.note ? 'notice' : 'error',
        file,
        line: d.migration ? d.line : undefined,
        title: `schema ${d.note ? 'note' : 'drift'} (${d.comparison ?? 'diff'})`,
        message: d.summary,
      }),
    );
  }
  for (const v of violations) {
    writeOut(
      io,
      formatAnnotation({
        level: 'error',
        file: displayPath(cwd, v.policyFile),
        title: `patient-data policy: ${v.rule}`,
        message: `${v.table}: ${v.message}`,
      }),
    );
  }
}

export function statementJson(s: FixStatement) {
  return { sql: s.sql, destructive: s.destructive, reason: s.reason ?? null, object: s.object };
}

export function renderFixSql(
  io: Io,
  statements: readonly FixStatement[],
  labels: { target: string; current: string },
): void {
  writeOut(io, fixScript(statements, labels).trimEnd());
}

export function renderCheck(
  io: Io,
  cwd: string,
  format: OutputFormat,
  result: SchemaCheckResult,
  fix?: FixStatement[],
): void {
  const snapshot = result.snapshotFile ? displayPath(cwd, result.snapshotFile) : null;
  if (format === 'json') {
    writeOut(
      io,
      renderJson({
        ok: result.ok,
        comparisons: result.comparisons,
        snapshot,
        policy: result.policyFile ? displayPath(cwd, result.policyFile) : null,
        cached: result.fromCache,
        behavioursProved: result.behavioursProved,
        differences: result.differences.map(differenceJson),
        notes: result.notes.map(differenceJson),
        policyViolations: result.policyViolations.map((v) => ({ ...v, policyFile: displayPath(cwd, v.policyFile) })),
        ...(fix ? { sql: fix.map(statementJson) } : {}),
        ...(result.sampleEvents ? { sampleEvents: sampleEventsJson(cwd, result.sampleEvents) } : {}),
      }),
    );
    return;
  }
  if (format === 'github') {
    renderGithub(io, cwd, [...result.differences, ...result.notes], result.policyViolations, snapshot ?? undefined);
    for (const line of result.sampleEvents ? sampleEventsAnnotations(cwd, result.sampleEvents) : []) writeOut(io, line);
    return;
  }
  if (fix) {
    renderFixSql(io, fix, { target: 'the migrations', current: 'the live database' });
    return;
  }
  renderDifferences(io, result.differences);
  if (result.notes.length) renderDifferences(io, result.notes, 'note(s), not drift');
  renderViolations(io, cwd, result.policyViolations);
  for (const line of result.sampleEvents ? sampleEventsLines(io, cwd, result.sampleEvents) : []) writeOut(io, line);
  const chalk = chalkFor(io);
  if (result.ok) {
    const policy = result.policyFile
      ? `; the patient-data policy holds${
          result.behavioursProved ? ` (${result.behavioursProved} behaviour(s) proved in the shadow)` : ''
        }`
      : '';
    writeOut(io, chalk.green(`No drift (${result.comparisons.join('; ')})${policy}.`));
  } else {
    writeOut(
      io,
      `\n${result.differences.length} difference(s), ${result.policyViolations.length} policy violation(s)${
        result.sampleEvents ? `, ${sampleFindings(result.sampleEvents).length} sample event problem(s)` : ''
      }.`,
    );
    if (result.differences.some((d) => d.comparison?.startsWith('snapshot'))) {
      writeOut(io, `If the migrations are right, regenerate the snapshot: medicalcor schema dump --out ${snapshot}`);
    }
  }
}
