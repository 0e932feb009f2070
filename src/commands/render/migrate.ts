import {
  dropStatement,
  indexLabel,
  type ApplyResult,
  type Finding,
  type PlanStep,
  type StaleIntent,
  type StatusReport,
} from '../../core/migrations/index.js';
import { chalkFor, note, renderData, renderTable, writeOut, type Io, type OutputFormat } from '../../cli-kit/index.js';
import { renderFindings } from './findings.js';

/** The SQL a plan would run, in order (plan, up --dry-run, down --dry-run). */
export function renderPlan(
  io: Io,
  format: OutputFormat,
  steps: readonly PlanStep[],
  extra: Record<string, unknown>,
): void {
  if (format !== 'table') {
    writeOut(io, renderData(format, { ...extra, steps }));
    return;
  }
  if (steps.length === 0) {
    writeOut(io, '-- nothing to run');
    return;
  }
  for (const step of steps) {
    writeOut(
      io,
      `-- ${step.direction}: ${step.filename}${step.transactional ? '' : ' (transaction:false)'}\n${step.sql}\n`,
    );
  }
}

/** Where `--to VERSION` would stop, for `status --to`. */
export interface TargetView {
  version: string;
  up: string[];
  down: string[];
  /** why a direction cannot reach the version (e.g. it is not applied) */
  downRefused?: string;
}

export function renderStatus(
  io: Io,
  format: OutputFormat,
  status: StatusReport,
  facts: { environment: string; database: string; target?: TargetView },
): void {
  const applied = status.migrations.filter((m) => m.state === 'applied').length;
  if (format !== 'table') {
    writeOut(
      io,
      renderData(format, {
        environment: facts.environment,
        database: facts.database,
        currentVersion: status.currentVersion ?? null,
        applied,
        pending: status.pending.length,
        migrations: status.migrations.map(({ file: _file, ...m }) => m),
        lastFailure: status.lastFailure ?? null,
        resolved: status.resolved.map(staleView),
        target: facts.target ?? null,
        findings: status.findings,
      }),
    );
    return;
  }
  const chalk = chalkFor(io);
  const target = facts.target;
  const toColumn = target
    ? [
        {
          header: `--to ${target.version}`,
          value: (m: StatusReport['migrations'][number]) =>
            target.up.includes(m.version) ? 'would apply' : target.down.includes(m.version) ? 'would roll back' : '',
        },
      ]
    : [];
  writeOut(
    io,
    renderTable(
      status.migrations,
      [
        { header: 'VERSION', value: (m) => m.version },
        { header: 'MIGRATION', value: (m) => m.filename },
        {
          header: 'STATE',
          value: (m) => m.state,
          style: (t) =>
            t === 'applied' ? chalk.green(t) : t === 'pending' || t === 'applying' ? chalk.yellow(t) : chalk.red(t),
        },
        { header: 'APPLIED AT', value: (m) => m.appliedAt?.toISOString() },
        { header: 'BY', value: (m) => m.appliedBy },
        ...toColumn,
      ],
      io.color,
    ),
  );
  writeOut(
    io,
    `\n${facts.database}: version ${status.currentVersion ?? 'none'}, ` +
      `${applied} applied, ${status.pending.length} pending.`,
  );
  if (target) {
    const up = target.up.length
      ? `up would apply ${target.up.length} (${target.up[0]} … ${target.up.at(-1)}) and stop at ${target.version}`
      : 'up would apply nothing';
    const down =
      target.downRefused ??
      (target.down.length
        ? `down would roll back ${target.down.length} (${target.down[0]} … ${target.down.at(-1)})`
        : 'down would roll back nothing');
    writeOut(io, `With --to ${target.version}: ${up}; ${down}.`);
  }
  for (const s of status.resolved) note(io, `note: ${describeStale(s)}`);
  if (status.lastFailure) {
    const failure = status.lastFailure;
    writeOut(
      io,
      chalk.red(
        `Last attempt failed at ${failure.filename} ` +
          `(${failure.failedAt.toISOString()}, ${failure.failedBy}): ${failure.error}`,
      ),
    );
    writeOut(
      io,
      `The database is still at version ${status.currentVersion ?? 'none'}; ` +
        'fix the migration and run "medicalcor migrate up".',
    );
  }
  const shown = status.findings.filter(
    (f) => !((f.code === 'stale-intent' || f.code === 'stale-ledger-row') && status.resolved.length),
  );
  if (shown.length) renderFindings(io, 'table', shown);
}

const staleView = (s: StaleIntent) => ({
  version: s.entry.version,
  filename: s.entry.filename,
  outcome: s.outcome,
  leftBy: s.entry.appliedBy,
  since: s.entry.appliedAt,
});

export function describeStale(s: StaleIntent): string {
  if (s.entry.state === 'applied') {
    return (
      `ledger: ${s.entry.filename} was recorded as applied, but schema_migrations does not hold it ` +
      '(it was rolled back), so it is pending again.'
    );
  }
  const who = `a runner that is gone (${s.entry.appliedBy}, ${s.entry.appliedAt.toISOString()})`;
  return s.outcome === 'applied'
    ? `ledger: ${s.entry.filename} was left "applying" by ${who}; schema_migrations holds it, ` +
        'so it is now recorded as applied.'
    : `ledger: ${s.entry.filename} was left "applying" by ${who}; schema_migrations does not hold it ` +
        '(it was rolled back), so it is pending again.';
}

const TERMINATED_SESSION = 'terminated (a cancel did not stop it in time)';

/** What an interrupted or failed run left, in words that match the database (read after the fact). */
export function stateSentence(verb: 'up' | 'down', result: ApplyResult): string {
  const version = `The database is at version ${result.currentVersion ?? 'none'}.`;
  const sessions = result.sessions;
  const sessionText = !sessions
    ? ''
    : sessions.found === 0
      ? ' No server session of dbmate remained.'
      : sessions.gone
        ? ` Its server session was ${sessions.terminated ? TERMINATED_SESSION : 'cancelled'}, ` +
          'and it and its locks are gone.'
        : ' Its server session could not be confirmed gone; ' +
          'check pg_stat_activity for application_name medicalcor-dbmate:*.';
  const names = result.applied.map((s) => s.filename).join(', ');
  const done = result.applied.length
    ? `${verb === 'up' ? 'Applied' : 'Rolled back'} before the interruption: ${names}.`
    : '';
  const inFlight = result.failed
    ? result.failed.transactional
      ? ` ${result.failed.filename} was in flight and was not ${verb === 'up' ? 'applied' : 'rolled back'}: ` +
        'PostgreSQL rolled its transaction back.'
      : ` ${result.failed.filename} (transaction:false) was in flight: what it did before the interruption stays.`
    : '';
  return `Interrupted. ${done}${inFlight}${sessionText} ${version}`.replace(/\s+/g, ' ').trim();
}

/** Lines about INVALID indexes and the statement that drops each. */
export function invalidIndexLines(result: Pick<ApplyResult, 'invalidIndexes'>): string[] {
  return result.invalidIndexes.map(
    (i) => `left behind: INVALID index ${indexLabel(i)}; drop it with: ${dropStatement(i)}`,
  );
}

export interface ApplyOutcome {
  /** the migration that failed (exit 1), with its message */
  failure?: string;
  /** interrupted: the state sentence (exit 130) */
  interrupted?: string;
  /** a problem found: blocked by findings, or INVALID indexes present after success (exit 3) */
  problem: boolean;
}

/**
 * The result of up or down. Only what schema_migrations holds is called applied (dbmate's own
 * "Applied:" lines are never passed on: it prints one even for a migration that failed).
 */
export function renderApply(
  io: Io,
  format: OutputFormat,
  verb: 'up' | 'down',
  result: ApplyResult,
  environment: string,
): ApplyOutcome {
  const past = verb === 'up' ? 'applied' : 'rolled back';
  const invalidFindings: Finding[] = result.invalidIndexes.map((i) => ({
    code: 'invalid-index',
    severity: 'error',
    message: `index ${indexLabel(i)} is INVALID`,
    hint: `Drop it with ${dropStatement(i)}`,
  }));
  const outcome: ApplyOutcome = {
    problem: result.blockedBy.length > 0 || (!result.failed && !result.interrupted && result.invalidIndexes.length > 0),
    interrupted: result.interrupted ? stateSentence(verb, result) : undefined,
  };
  if (result.failed && !result.interrupted) {
    const left = result.failed.transactional
      ? `It was rolled back; the database is at version ${result.currentVersion ?? 'none'}.`
      : 'It ran outside a transaction (transaction:false): what it did before the error stays; ' +
        `the database is at version ${result.currentVersion ?? 'none'}.`;
    outcome.failure = `${result.failed.filename} failed: ${result.failed.error}\n${left}`;
  }
  if (format !== 'table') {
    writeOut(
      io,
      renderData(format, {
        environment,
        [verb === 'up' ? 'applied' : 'rolledBack']: result.applied.map(({ version, filename }) => ({
          version,
          filename,
        })),
        planned: result.planned.map(({ version, filename }) => ({ version, filename })),
        failed: result.failed ?? null,
        interrupted: result.interrupted,
        sessions: result.sessions ?? null,
        invalidIndexes: result.invalidIndexes.map((i) => ({ ...i, drop: dropStatement(i) })),
        resolved: result.resolved.map(staleView),
        orphanSessionsTerminated: result.orphansTerminated,
        blockedBy: result.blockedBy,
        currentVersion: result.currentVersion ?? null,
      }),
    );
    return outcome;
  }
  for (const s of result.resolved) note(io, `note: ${describeStale(s)}`);
  if (result.orphansTerminated) {
    note(
      io,
      `note: terminated ${result.orphansTerminated} dbmate session(s) left by a runner that is gone ` +
        '(PostgreSQL rolled back what they had in flight).',
    );
  }
  if (result.blockedBy.length) {
    renderFindings(io, 'table', result.blockedBy);
    writeOut(io, `Nothing was ${past}: fix the problems above first ("medicalcor migrate verify" lists them).`);
    return outcome;
  }
  if (result.applied.length) writeOut(io, result.applied.map((step) => `${past}: ${step.filename}`).join('\n'));
  if (!result.interrupted && !result.failed) {
    if (result.applied.length === 0)
      writeOut(io, `Nothing to do; the database is at version ${result.currentVersion ?? 'none'}.`);
    else writeOut(io, `The database is at version ${result.currentVersion ?? 'none'}.`);
  }
  for (const line of invalidIndexLines(result)) note(io, line);
  if (outcome.problem && invalidFindings.length) renderFindings(io, 'table', invalidFindings);
  return outcome;
}
