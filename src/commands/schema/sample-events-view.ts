import { chalkFor, displayPath, formatAnnotation, type Io } from '../../cli-kit/index.js';
import type { InvalidEvent, TypeVersionReport } from '../../core/events/index.js';
import type { SchemaCheckResult } from '../../core/schema/index.js';

type SampleEvents = NonNullable<SchemaCheckResult['sampleEvents']>;

/** One failing type and version of the sample events, in words, with the sample file's line. */
interface SampleFinding {
  summary: string;
  line?: number;
}

const where = (s: SampleEvents, e: InvalidEvent) => {
  const line = s.lines[e.position];
  return `${line ? `line ${line}, ` : ''}event ${e.eventId}`;
};

/** What makes the sample events fail the check, one finding per type and version. */
export function sampleFindings(s: SampleEvents): SampleFinding[] {
  const findings: SampleFinding[] = [];
  for (const r of s.report.rows) {
    const label = `${r.type} v${r.version}`;
    if (r.firstInvalid) {
      const e = r.firstInvalid;
      findings.push({
        summary:
          `${label}: ${r.invalid} of ${r.count} invalid; ` +
          `first: ${where(s, e)}, ${e.path}: ${e.message} (stored ${e.value})`,
        line: s.lines[e.position],
      });
    }
    if (r.firstUpcastFailure) {
      const e = r.firstUpcastFailure;
      findings.push({
        summary:
          `${label}: ${r.upcastFailures} fail v${r.latestVersion} after upcasting; ` +
          `first: ${where(s, e)}, ${e.path}: ${e.message}`,
        line: s.lines[e.position],
      });
    }
    if (r.status === 'unknown-version')
      findings.push({ summary: `${label}: a version the registry does not know (${r.count} event(s))` });
    else if (r.reachesLatest === false)
      findings.push({ summary: `${label}: no upcaster to the latest version v${r.latestVersion}` });
  }
  return findings;
}

const rowJson = (s: SampleEvents, r: TypeVersionReport) => ({
  ...r,
  ...(r.firstInvalid ? { firstInvalid: { ...r.firstInvalid, line: s.lines[r.firstInvalid.position] ?? null } } : {}),
  ...(r.firstUpcastFailure
    ? { firstUpcastFailure: { ...r.firstUpcastFailure, line: s.lines[r.firstUpcastFailure.position] ?? null } }
    : {}),
});

/** The `sampleEvents` key of `schema check -o json` (absent when there are no sample events). */
export function sampleEventsJson(cwd: string, s: SampleEvents) {
  return {
    file: displayPath(cwd, s.file),
    registry: s.registry,
    loaded: s.loaded,
    checked: s.report.scanned,
    problem: s.report.problem,
    totals: s.report.totals,
    rows: s.report.rows.map((r) => rowJson(s, r)),
  };
}

/** The human section: one line when the sample events hold, the findings when they do not. */
export function sampleEventsLines(io: Io, cwd: string, s: SampleEvents): string[] {
  const chalk = chalkFor(io);
  const file = displayPath(cwd, s.file);
  const registry = s.registry === 'platform' ? 'the platform registry' : `the registry ${s.registry}`;
  const findings = sampleFindings(s);
  const unknown = s.report.totals.unknownTypes;
  const lines: string[] = [];
  if (!findings.length) {
    lines.push(`\n${s.report.scanned} sample event(s) (${file}) valid against ${registry}.`);
  } else {
    lines.push(chalk.bold(`\nsample events (${file}) against ${registry}: ${findings.length} problem(s)`));
    for (const f of findings) lines.push(`  ${chalk.red(f.summary)}`);
  }
  if (unknown.length) lines.push(chalk.yellow(`  not registered (listed, not failed): ${unknown.join(', ')}`));
  return lines;
}

/** `-o github`: one annotation per finding, on the sample file's line where known. */
export function sampleEventsAnnotations(cwd: string, s: SampleEvents): string[] {
  return sampleFindings(s).map((f) =>
    formatAnnotation({
      level: 'error',
      file: displayPath(cwd, s.file),
      line: f.line,
      title: 'sample events (events check)',
      message: f.summary,
    }),
  );
}
