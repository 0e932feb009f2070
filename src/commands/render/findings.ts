import {
  chalkFor,
  formatAnnotation,
  renderJson,
  renderTable,
  writeOut,
  type Io,
  type OutputFormat,
} from '../../cli-kit/index.js';
import type { Finding } from '../../core/migrations/index.js';

/** Findings as a table, JSON (`{ findings, errors, warnings }` merged into `extra`) or GitHub annotations. */
export function renderFindings(
  io: Io,
  format: OutputFormat,
  findings: readonly Finding[],
  extra: Record<string, unknown> = {},
): void {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  if (format === 'json') {
    writeOut(io, renderJson({ ...extra, errors, warnings, findings }));
    return;
  }
  if (format === 'github') {
    for (const f of findings) {
      writeOut(
        io,
        formatAnnotation({
          level: f.severity === 'error' ? 'error' : 'warning',
          file: f.file,
          line: f.line,
          title: f.code,
          message: f.hint ? `${f.message} ${f.hint}` : f.message,
        }),
      );
    }
    return;
  }
  const chalk = chalkFor(io);
  if (findings.length) {
    writeOut(
      io,
      renderTable(
        findings,
        [
          { header: 'LEVEL', value: (f) => f.severity, style: (t) => (t === 'error' ? chalk.red(t) : chalk.yellow(t)) },
          { header: 'WHERE', value: (f) => (f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : (f.version ?? '')) },
          { header: 'RULE', value: (f) => f.code },
          { header: 'PROBLEM', value: (f) => (f.hint ? `${f.message}\n→ ${f.hint}` : f.message) },
        ],
        io.color,
      ),
    );
  }
  writeOut(io, `${errors} error(s), ${warnings} warning(s)`);
}
