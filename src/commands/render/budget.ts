import type { BudgetLimit, BudgetStatus, ReconcileReport, TopEntry } from '../../core/budget/index.js';
import { chalkFor, renderData, renderTable, writeOut, type OutputFormat } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { pct, usd } from '../budget/shared.js';

function emit(ctx: CommandContext, format: OutputFormat, body: unknown): void {
  writeOut(ctx.io, renderData(format, body));
}

export function renderBudgetStatus(ctx: CommandContext, format: OutputFormat, status: BudgetStatus): void {
  if (format !== 'table')
    return emit(ctx, format, { environment: ctx.config().envName, ...status, partial: status.unavailable.length > 0 });
  const chalk = chalkFor(ctx.io);
  const paint = (level: string) =>
    level === 'exceeded' || level === 'critical'
      ? chalk.red(level)
      : level === 'warning' || level === 'notice'
        ? chalk.yellow(level)
        : chalk.green(level);
  const scope = status.tenant ? `tenant ${status.tenant}` : 'all tenants';
  writeOut(ctx.io, `AI spend, ${scope} (UTC periods; price table of ${status.priceTableDate})`);
  writeOut(
    ctx.io,
    `  today ${status.today.periodId}: ${usd(status.today.spentUsd)} over ${status.today.calls} calls; ` +
      `projected ${usd(status.today.projectedUsd)} by end of day`,
  );
  writeOut(
    ctx.io,
    `  month ${status.month.periodId}: ${usd(status.month.spentUsd)} over ${status.month.calls} calls; ` +
      `projected ${usd(status.month.projectedUsd)} by end of month`,
  );
  for (const f of status.freezes ?? [])
    writeOut(
      ctx.io,
      chalk.red(`  FROZEN${f.tenant ? ` (tenant ${f.tenant})` : ''} by ${f.actor} at ${f.at}: ${f.reason}`),
    );
  writeOut(ctx.io, '');
  if (status.budgets.length === 0)
    writeOut(ctx.io, 'No budgets set (medicalcor budget set --daily USD --monthly USD).');
  else {
    writeOut(
      ctx.io,
      renderTable(
        status.budgets,
        [
          { header: 'BUDGET', value: (b) => (b.tenant ? `tenant ${b.tenant}` : 'global') },
          { header: 'PERIOD', value: (b) => `${b.period} ${b.periodId}` },
          { header: 'LIMIT', value: (b) => `${usd(b.limitUsd)}${b.hardStop ? '' : ' (soft)'}` },
          { header: 'SPENT', value: (b) => usd(b.spentUsd) },
          { header: 'USED', value: (b) => pct(b.utilization) },
          { header: 'THRESHOLD', value: (b) => b.level, style: paint },
          { header: 'PROJECTED', value: (b) => `${usd(b.projectedUsd)} (${pct(b.projectedUtilization)})` },
        ],
        ctx.io.color,
      ),
    );
  }
  const top = (title: string, entries: TopEntry[]) => {
    if (entries.length === 0) return;
    writeOut(ctx.io, `\nTop ${title} this month:`);
    writeOut(
      ctx.io,
      renderTable(
        entries,
        [
          { header: title.slice(0, -1).toUpperCase(), value: (e) => e.name },
          { header: 'COST', value: (e) => usd(e.costUsd) },
          { header: 'SHARE', value: (e) => pct(e.share) },
          { header: 'CALLS', value: (e) => e.calls },
          { header: 'TOKENS', value: (e) => e.tokens },
        ],
        ctx.io.color,
      ),
    );
  };
  top('models', status.top.models);
  top('operations', status.top.operations);
  top('tenants', status.top.tenants);
  writeOut(ctx.io, '');
  if (status.calls)
    for (const c of status.calls)
      writeOut(ctx.io, `${c.api} calls: ${c.today}/${c.dailyCap} today, ${c.month}/${c.monthlyCap} this month`);
  else writeOut(ctx.io, chalk.yellow('Redis could not be reached: freezes and paid API call counts are unknown.'));
  if (status.exceeded) writeOut(ctx.io, chalk.red('A budget is exceeded.'));
}

export function renderBudgetLimits(
  ctx: CommandContext,
  format: OutputFormat,
  limits: BudgetLimit[],
  extra: Record<string, unknown> = {},
): void {
  if (format !== 'table') return emit(ctx, format, { environment: ctx.config().envName, ...extra, limits });
  writeOut(
    ctx.io,
    renderTable(
      limits,
      [
        { header: 'BUDGET', value: (l) => (l.tenant ? `tenant ${l.tenant}` : 'global') },
        { header: 'PERIOD', value: (l) => l.period },
        { header: 'LIMIT', value: (l) => usd(l.limitUsd) },
        { header: 'ON REACHING IT', value: (l) => (l.hardStop ? 'refuse calls' : 'alert only') },
        { header: 'UPDATED', value: (l) => `${l.updatedAt ?? ''} ${l.updatedBy ?? ''}`.trim() },
      ],
      ctx.io.color,
    ),
  );
}

export function renderReconcile(ctx: CommandContext, format: OutputFormat, report: ReconcileReport): void {
  if (format !== 'table') return emit(ctx, format, { environment: ctx.config().envName, ...report });
  const chalk = chalkFor(ctx.io);
  const paint = (s: string) =>
    s === 'drift' || s === 'corrupt' ? chalk.red(s) : s === 'repaired' ? chalk.yellow(s) : chalk.green(s);
  writeOut(
    ctx.io,
    renderTable(
      report.rows,
      [
        { header: 'COUNTER', value: (r) => (r.tenant ? `tenant ${r.tenant}` : 'global') },
        { header: 'PERIOD', value: (r) => `${r.period} ${r.periodId}` },
        {
          header: 'REDIS',
          value: (r) => (r.redisUsd === null ? `not a number: ${r.redisRaw}` : r.redisUsd.toFixed(6)),
        },
        { header: 'LEDGER', value: (r) => r.ledgerUsd.toFixed(6) },
        { header: 'IN FLIGHT', value: (r) => (r.inFlightUsd ? r.inFlightUsd.toFixed(6) : '') },
        {
          header: 'DIFF',
          value: (r) => (r.diffUsd === 0 ? '0' : `${r.diffUsd > 0 ? '+' : ''}${r.diffUsd.toFixed(6)}`),
        },
        { header: 'STATUS', value: (r) => r.status, style: paint },
      ],
      ctx.io.color,
    ),
  );
  if (report.limits.length) {
    writeOut(ctx.io, '\nBudgets in budget_limits vs the copy in Redis the controller reads:');
    writeOut(
      ctx.io,
      renderTable(
        report.limits,
        [
          { header: 'BUDGET', value: (r) => r.budget },
          { header: 'TABLE', value: (r) => r.table ?? '(none)' },
          { header: 'REDIS', value: (r) => r.redis ?? '(none)' },
          { header: 'STATUS', value: (r) => r.status, style: paint },
        ],
        ctx.io.color,
      ),
    );
  }
  for (const c of report.changes)
    writeOut(
      ctx.io,
      `changed ${c.key}: ${c.from} -> ${c.to}` +
        (c.by === 'set' ? ' (replaced)' : ` (${c.by > 0 ? '+' : ''}${c.by} micro-USD)`),
    );
  if (report.drift)
    writeOut(
      ctx.io,
      `\nRedis and the ledger disagree${report.repaired ? ' still, after repairing' : ''}; ` +
        '"medicalcor budget reconcile --repair" moves the counters to the ledger.',
    );
  else if (report.repaired)
    writeOut(ctx.io, `\nRepaired ${report.repaired} difference(s); checked again: counters match the ledger.`);
  else writeOut(ctx.io, '\nRedis counters match the ledger.');
}
