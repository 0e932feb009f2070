import { chalkFor, displayPath, renderTable, writeOut, type Io } from '../../cli-kit/index.js';
import type { AlertOutcome, LoadedRunbook, RunReport, RunRow, StepReport, StepRow } from '../../core/runbook/index.js';
import { describeStep } from '../../core/runbook/index.js';

/** Every view of `medicalcor runbook`: reports, listings, a runbook's steps, history, alert outcomes. */

const STATUS_MARK: Record<StepReport['status'], string> = {
  succeeded: '✓',
  failed: '✗',
  interrupted: '!',
  skipped: '–',
  not_run: '·',
  done_earlier: '=',
  rolled_back: '↺',
};

function indent(text: string, prefix = '      '): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`.trimEnd())
    .join('\n');
}

export function renderReport(io: Io, report: RunReport): void {
  const chalk = chalkFor(io);
  const dry = report.mode === 'dry_run';
  const lines: string[] = [];
  lines.push(chalk.bold(`${report.runbook} — ${report.title}`));
  const mode = dry
    ? chalk.yellow('DRY RUN: read-only steps ran, nothing was changed (pass --execute to run)')
    : `run: ${report.runId}`;
  lines.push(`environment: ${report.environment}   actor: ${report.actor}   ${mode}`);
  if (report.resumedFrom) lines.push(`resumes run ${report.resumedFrom}`);
  const params = Object.entries(report.parameters);
  if (params.length) lines.push(`parameters: ${params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}`);
  lines.push('');
  for (const step of report.steps) {
    const colour =
      step.status === 'succeeded'
        ? chalk.green
        : step.status === 'failed' || step.status === 'interrupted'
          ? chalk.red
          : step.status === 'rolled_back'
            ? chalk.yellow
            : chalk.dim;
    const status = step.status === 'skipped' ? 'not run (dry run; would run:)' : step.status.replace('_', ' ');
    const time = step.durationMs !== undefined ? `  ${step.durationMs}ms` : '';
    const attempts = step.attempts && step.attempts > 1 ? `  (${step.attempts} attempts)` : '';
    const mutates = step.mutates ? chalk.magenta(' mutates') : '';
    lines.push(
      `${String(step.index + 1).padStart(2)}. ${colour(`${STATUS_MARK[step.status]} ${step.id}`)}  ` +
        `${step.kind}${mutates}  ${colour(status)}${time}${attempts}`,
    );
    if (step.title) lines.push(`      ${chalk.dim(step.title)}`);
    if (step.status !== 'done_earlier') lines.push(indent(step.action, '      $ '));
    if (step.output) lines.push(indent(step.output));
    if (step.error) lines.push(chalk.red(indent(`error: ${step.error}`)));
    if (step.verify)
      lines.push(indent(`verify: ${step.verify.status}${step.verify.error ? ` — ${step.verify.error}` : ''}`));
    if (step.rollback) {
      const rb = step.rollback;
      lines.push(
        chalk.yellow(
          indent(`rollback: ${rb.status}${rb.error ? ` — ${rb.error}` : ''}${rb.action ? `\n$ ${rb.action}` : ''}`),
        ),
      );
    }
  }
  lines.push('');
  const statusText = report.status.replace('_', ' ');
  lines.push(
    `${dry ? 'dry run' : `run ${report.runId}`}: ` +
      (report.status === 'succeeded' ? chalk.green(statusText) : chalk.red(statusText)),
  );
  writeOut(io, lines.join('\n'));
}

export interface RunbookListRow {
  id: string;
  title: string;
  alerts: string[];
  steps: number;
  mutatingSteps: number;
  source: string;
}

export function renderRunbookList(io: Io, rows: RunbookListRow[]): void {
  writeOut(
    io,
    renderTable(
      rows,
      [
        { header: 'ID', value: (r) => r.id },
        { header: 'TITLE', value: (r) => r.title },
        { header: 'STEPS', value: (r) => `${r.steps} (${r.mutatingSteps} mutating)` },
        { header: 'ALERTS', value: (r) => r.alerts.join(', ') },
        { header: 'SOURCE', value: (r) => r.source },
      ],
      io.color,
    ),
  );
}

export function renderRunbook(io: Io, cwd: string, loaded: LoadedRunbook): void {
  const r = loaded.runbook;
  const chalk = chalkFor(io);
  const lines = [chalk.bold(`${r.id} — ${r.title}`), `file: ${displayPath(cwd, loaded.file)}`];
  if (r.description) lines.push('', r.description.trim());
  if (r.alerts.length) lines.push('', `answers alerts: ${r.alerts.join(', ')}`);
  if (r.parameters.length) {
    lines.push(
      '',
      renderTable(
        r.parameters,
        [
          { header: 'PARAMETER', value: (p) => p.name },
          { header: 'TYPE', value: (p) => (p.type === 'enum' ? `enum(${p.values!.join('|')})` : p.type) },
          { header: 'REQUIRED', value: (p) => (p.required ? 'yes' : '') },
          { header: 'DEFAULT', value: (p) => (p.default === undefined ? '' : String(p.default)) },
          { header: 'PATTERN', value: (p) => p.pattern ?? '' },
          { header: 'DESCRIPTION', value: (p) => p.description ?? '' },
        ],
        io.color,
      ),
    );
  }
  const steps = r.steps.map((s, i) => ({ ...describeStep(s), n: i + 1 }));
  lines.push(
    '',
    renderTable(
      steps,
      [
        { header: '#', value: (s) => s.n },
        { header: 'STEP', value: (s) => s.id },
        { header: 'KIND', value: (s) => s.kind },
        { header: 'MUTATES', value: (s) => (s.mutates ? 'yes' : '') },
        { header: 'VERIFY', value: (s) => (s.verify ? 'yes' : '') },
        { header: 'ROLLBACK', value: (s) => s.rollback ?? '' },
        { header: 'TITLE', value: (s) => s.title ?? '' },
      ],
      io.color,
    ),
  );
  writeOut(io, lines.join('\n'));
}

export function renderRunStory(io: Io, story: { runs: RunRow[]; steps: StepRow[] }): void {
  for (const run of story.runs) {
    const error = run.error ? `\n  error: ${run.error}` : '';
    writeOut(
      io,
      `run ${run.id}  ${run.runbookId}  ${run.environment}  ${run.status}  by ${run.actor}  ` +
        `${run.startedAt.toISOString()}${error}`,
    );
  }
  writeOut(io, '');
  writeOut(
    io,
    renderTable(
      story.steps,
      [
        { header: 'RUN', value: (s) => s.runId.slice(0, 8) },
        { header: '#', value: (s) => s.stepIndex + 1 },
        { header: 'STEP', value: (s) => s.stepId },
        { header: 'KIND', value: (s) => s.kind },
        { header: 'PHASE', value: (s) => s.phase },
        { header: 'STATUS', value: (s) => s.status },
        { header: 'EXIT', value: (s) => s.exitCode },
        { header: 'MS', value: (s) => s.durationMs },
        { header: 'ERROR', value: (s) => s.error?.split('\n')[0] },
      ],
      io.color,
    ),
  );
}

export function renderRunList(io: Io, runs: RunRow[], empty: string): void {
  if (!runs.length) return writeOut(io, empty);
  writeOut(
    io,
    renderTable(
      runs,
      [
        { header: 'RUN', value: (r) => r.id },
        { header: 'RUNBOOK', value: (r) => r.runbookId },
        { header: 'ENV', value: (r) => r.environment },
        { header: 'STATUS', value: (r) => r.status },
        { header: 'ACTOR', value: (r) => r.actor },
        { header: 'STARTED', value: (r) => r.startedAt.toISOString() },
        {
          header: 'SECONDS',
          value: (r) => (r.finishedAt ? ((r.finishedAt.getTime() - r.startedAt.getTime()) / 1000).toFixed(1) : ''),
        },
        { header: 'RESUMES', value: (r) => r.resumedFrom?.slice(0, 8) },
      ],
      io.color,
    ),
  );
}

export function renderAlertOutcomes(
  io: Io,
  result: { alerts: AlertOutcome[]; runs: RunReport[]; firing: number },
): void {
  for (const report of result.runs) {
    renderReport(io, report);
    writeOut(io, '');
  }
  writeOut(
    io,
    renderTable(
      result.alerts,
      [
        { header: 'ALERT', value: (a) => a.alertname },
        { header: 'RUNBOOK', value: (a) => a.runbook ?? '(none)' },
        {
          header: 'PARAMETERS',
          value: (a) =>
            Object.entries(a.parameters)
              .map(([k, v]) => `${k}=${v}`)
              .join(' '),
        },
        { header: 'STATUS', value: (a) => a.status },
        { header: 'RUN', value: (a) => a.runId },
        { header: 'ERROR', value: (a) => a.error?.split('\n')[0] },
      ],
      io.color,
    ),
  );
  if (!result.firing) writeOut(io, 'No firing alerts in the payload.');
}
