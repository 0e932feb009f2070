import type { Command } from 'commander';
import { CHECKS, readinessScore, runChecks, type CheckResult } from '../checks/index.js';
import { chalkFor, ExitCode, formatAnnotation, renderJson, renderTable, startSpinner, writeOut, type Io } from '../core/output/index.js';
import type { CommandContext } from './context.js';

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export interface CheckReport {
  environment: string;
  /** no required check failed */
  ready: boolean;
  /** 0..100, see readinessScore; null when every check was skipped */
  score: number | null;
  counts: Record<CheckResult['status'], number>;
  requiredFailed: string[];
  checks: CheckResult[];
}

export function buildCheckReport(environment: string, checks: CheckResult[]): CheckReport {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  const requiredFailed = checks.filter((c) => c.required && c.status === 'fail').map((c) => c.id);
  return { environment, ready: requiredFailed.length === 0, score: readinessScore(checks), counts, requiredFailed, checks };
}

function scoreLine(report: CheckReport): string {
  const { pass, warn, fail, skip } = report.counts;
  const verdict = report.ready ? 'ready' : `NOT READY: required check(s) failed: ${report.requiredFailed.join(', ')}`;
  return `Readiness ${report.score ?? '–'} % on ${report.environment} (${pass} passed, ${warn} ${warn === 1 ? 'warning' : 'warnings'}, ${fail} failed, ${skip} skipped): ${verdict}`;
}

function render(ctx: CommandContext, report: CheckReport): void {
  const format = ctx.format(['table', 'json', 'github']);
  if (format === 'json') return writeOut(ctx.io, renderJson(report));
  if (format === 'github') {
    for (const c of report.checks) {
      if (c.status !== 'fail' && c.status !== 'warn') continue;
      const level = c.status === 'fail' && c.required ? 'error' : 'warning';
      writeOut(ctx.io, formatAnnotation({ level, title: `check ${c.id}${c.required ? '' : ' (advisory)'}`, message: `${c.title}: ${c.summary}${c.remedy ? ` → ${c.remedy}` : ''}` }));
    }
    writeOut(ctx.io, formatAnnotation({ level: report.ready ? 'notice' : 'error', title: 'readiness', message: scoreLine(report) }));
    return;
  }
  renderCheckTable(ctx.io, report);
}

/** The human form: one row per check with what to do, then the score (also used by `demo`). */
export function renderCheckTable(io: Io, report: CheckReport): void {
  const chalk = chalkFor(io);
  const paint = (t: string) => (t === 'pass' ? chalk.green(t) : t === 'warn' ? chalk.yellow(t) : t === 'fail' ? chalk.red.bold(t) : chalk.dim(t));
  writeOut(io, renderTable(report.checks, [
    { header: 'STATUS', value: (c) => c.status, style: paint },
    { header: 'CHECK', value: (c) => c.id },
    { header: 'REQUIRED', value: (c) => (c.required ? 'yes' : 'no') },
    { header: 'RESULT', value: (c) => (c.remedy && c.status !== 'pass' && c.status !== 'skip' ? `${c.summary}\n→ ${c.remedy}` : c.summary) },
  ], io.color));
  const line = `\n${scoreLine(report)}`;
  writeOut(io, report.ready ? chalk.green(line) : chalk.red(line));
}

export function register(program: Command, context: () => CommandContext): void {
  program
    .command('check')
    .description('readiness: connectivity, migrations, schema drift, projections, DLQ, sagas, breakers, budget, SLAs, config hygiene; a score; exit 3 if a required check fails')
    .option('--only <ids>', 'run only these checks (comma-separated or repeated)', collect)
    .option('--skip <ids>', 'leave these checks out', collect)
    .option('--list', 'list the checks and exit')
    .action(async (options: { only?: string[]; skip?: string[]; list?: boolean }) => {
      const ctx = context();
      if (options.list) {
        const format = ctx.format(['table', 'json']);
        if (format === 'json') return writeOut(ctx.io, renderJson(CHECKS.map((c) => ({ id: c.id, title: c.title }))));
        return writeOut(ctx.io, renderTable(CHECKS, [{ header: 'CHECK', value: (c) => c.id }, { header: 'WHAT IT LOOKS AT', value: (c) => c.title }], ctx.io.color));
      }
      ctx.format(['table', 'json', 'github']);
      const config = ctx.config();
      const spinner = await startSpinner(ctx.io, `running checks on ${config.envName}`);
      const results = await runChecks({ config, signal: ctx.signal, io: ctx.io }, { only: options.only, skip: options.skip }).finally(() => spinner.stop());
      const report = buildCheckReport(config.envName, results);
      render(ctx, report);
      ctx.exitCode = report.ready ? ExitCode.Ok : ExitCode.Problem;
    });
}
