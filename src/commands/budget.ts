import type { Command } from 'commander';
import {
  freezeBudget, getBudgetStatus, loadLimits, reconcileBudget, setLimit, unfreezeBudget,
  type BudgetLimit, type BudgetStatus, type ReconcileReport, type TopEntry,
} from '../core/budget/index.js';
import type { Pool } from '../core/db/index.js';
import { defaultActor } from '../core/config/index.js';
import { chalkFor, CliError, ExitCode, note, renderData, renderTable, usageError, writeOut, type OutputFormat } from '../cli-kit/index.js';
import { openRedis, type Redis } from '../core/redis/index.js';
import type { CommandContext } from './context.js';
import { withDatabase, withRedis } from './connections.js';

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** '' counts as no tenant: a runbook passes `--tenant={{tenant}}` with an empty parameter to mean all tenants. */
function checkTenant(tenant: string | undefined): string | undefined {
  if (tenant === undefined || tenant === '') return undefined;
  if (!TENANT.test(tenant)) throw usageError(`--tenant "${tenant}" is not a tenant id.`, 'Tenant ids are letters, digits, ".", "_", ":" and "-".');
  return tenant;
}

/**
 * The ledger (PostgreSQL) and the counters (Redis) for one action; both closed afterwards. With
 * `redisOptional`, an unreachable Redis is said on stderr and the work gets no Redis client.
 */
async function withLedger<T>(ctx: CommandContext, command: string, work: (deps: { pool: Pool; redis: Redis; keyPrefix: string }) => Promise<T>): Promise<T>;
async function withLedger<T>(ctx: CommandContext, command: string, work: (deps: { pool: Pool; redis: Redis | undefined; keyPrefix: string }) => Promise<T>, options: { redisOptional: true }): Promise<T>;
async function withLedger<T>(ctx: CommandContext, command: string, work: (deps: { pool: Pool; redis: Redis; keyPrefix: string }) => Promise<T>, options?: { redisOptional: true }): Promise<T> {
  const config = ctx.config();
  let redis: Redis | undefined;
  try {
    redis = await openRedis(config.redisUrl);
  } catch (error) {
    if (!options?.redisOptional) throw error;
    note(ctx.io, `warning: ${(error as Error).message} Spend and budgets come from the ledger; freezes and API call counts are unknown.`);
  }
  try {
    return await withDatabase(ctx, command, async (db) => {
      try {
        return await work({ pool: db.pool, redis: redis!, keyPrefix: config.redisKeyPrefix });
      } catch (error) {
        if ((error as { code?: string }).code === '42P01') {
          throw new CliError(`The database has no budget tables yet (${(error as Error).message}).`, ExitCode.Operational, 'Apply the migrations first: medicalcor migrate up');
        }
        throw error;
      }
    });
  } finally {
    redis?.disconnect();
  }
}

function emit(ctx: CommandContext, format: OutputFormat, body: unknown): void {
  writeOut(ctx.io, renderData(format, body));
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const pct = (n: number) => `${Math.round(n * 100)}%`;

function renderStatus(ctx: CommandContext, status: BudgetStatus): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') return emit(ctx, format, { environment: ctx.config().envName, ...status });
  const chalk = chalkFor(ctx.io);
  const paint = (level: string) => (level === 'exceeded' || level === 'critical' ? chalk.red(level) : level === 'warning' || level === 'notice' ? chalk.yellow(level) : chalk.green(level));
  const scope = status.tenant ? `tenant ${status.tenant}` : 'all tenants';
  writeOut(ctx.io, `AI spend, ${scope} (UTC periods; price table of ${status.priceTableDate})`);
  writeOut(ctx.io, `  today ${status.today.periodId}: ${usd(status.today.spentUsd)} over ${status.today.calls} calls; projected ${usd(status.today.projectedUsd)} by end of day`);
  writeOut(ctx.io, `  month ${status.month.periodId}: ${usd(status.month.spentUsd)} over ${status.month.calls} calls; projected ${usd(status.month.projectedUsd)} by end of month`);
  for (const f of status.freezes ?? []) writeOut(ctx.io, chalk.red(`  FROZEN${f.tenant ? ` (tenant ${f.tenant})` : ''} by ${f.actor} at ${f.at}: ${f.reason}`));
  writeOut(ctx.io, '');
  if (status.budgets.length === 0) writeOut(ctx.io, 'No budgets set (medicalcor budget set --daily USD --monthly USD).');
  else {
    writeOut(ctx.io, renderTable(status.budgets, [
      { header: 'BUDGET', value: (b) => (b.tenant ? `tenant ${b.tenant}` : 'global') },
      { header: 'PERIOD', value: (b) => `${b.period} ${b.periodId}` },
      { header: 'LIMIT', value: (b) => `${usd(b.limitUsd)}${b.hardStop ? '' : ' (soft)'}` },
      { header: 'SPENT', value: (b) => usd(b.spentUsd) },
      { header: 'USED', value: (b) => pct(b.utilization) },
      { header: 'THRESHOLD', value: (b) => b.level, style: paint },
      { header: 'PROJECTED', value: (b) => `${usd(b.projectedUsd)} (${pct(b.projectedUtilization)})` },
    ], ctx.io.color));
  }
  const top = (title: string, entries: TopEntry[]) => {
    if (entries.length === 0) return;
    writeOut(ctx.io, `\nTop ${title} this month:`);
    writeOut(ctx.io, renderTable(entries, [
      { header: title.slice(0, -1).toUpperCase(), value: (e) => e.name },
      { header: 'COST', value: (e) => usd(e.costUsd) },
      { header: 'SHARE', value: (e) => pct(e.share) },
      { header: 'CALLS', value: (e) => e.calls },
      { header: 'TOKENS', value: (e) => e.tokens },
    ], ctx.io.color));
  };
  top('models', status.top.models);
  top('operations', status.top.operations);
  top('tenants', status.top.tenants);
  writeOut(ctx.io, '');
  if (status.calls) for (const c of status.calls) writeOut(ctx.io, `${c.api} calls: ${c.today}/${c.dailyCap} today, ${c.month}/${c.monthlyCap} this month`);
  else writeOut(ctx.io, chalk.yellow('Redis could not be reached: freezes and paid API call counts are unknown.'));
  if (status.exceeded) writeOut(ctx.io, chalk.red('A budget is exceeded.'));
}

function renderLimits(ctx: CommandContext, limits: BudgetLimit[], extra: Record<string, unknown> = {}): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') return emit(ctx, format, { environment: ctx.config().envName, ...extra, limits });
  writeOut(ctx.io, renderTable(limits, [
    { header: 'BUDGET', value: (l) => (l.tenant ? `tenant ${l.tenant}` : 'global') },
    { header: 'PERIOD', value: (l) => l.period },
    { header: 'LIMIT', value: (l) => usd(l.limitUsd) },
    { header: 'ON REACHING IT', value: (l) => (l.hardStop ? 'refuse calls' : 'alert only') },
    { header: 'UPDATED', value: (l) => `${l.updatedAt ?? ''} ${l.updatedBy ?? ''}`.trim() },
  ], ctx.io.color));
}

function renderReconcile(ctx: CommandContext, report: ReconcileReport): void {
  const format = ctx.format(['table', 'json', 'yaml']);
  if (format !== 'table') return emit(ctx, format, { environment: ctx.config().envName, ...report });
  const chalk = chalkFor(ctx.io);
  const paint = (s: string) => (s === 'drift' ? chalk.red(s) : s === 'repaired' ? chalk.yellow(s) : chalk.green(s));
  writeOut(ctx.io, renderTable(report.rows, [
    { header: 'COUNTER', value: (r) => (r.tenant ? `tenant ${r.tenant}` : 'global') },
    { header: 'PERIOD', value: (r) => `${r.period} ${r.periodId}` },
    { header: 'REDIS', value: (r) => (r.redisUsd === null ? (r.redisRaw === null ? '(missing)' : `not a number: ${r.redisRaw}`) : r.redisUsd.toFixed(6)) },
    { header: 'LEDGER', value: (r) => r.ledgerUsd.toFixed(6) },
    { header: 'DIFF', value: (r) => (r.diffUsd === 0 ? '0' : `${r.diffUsd > 0 ? '+' : ''}${r.diffUsd.toFixed(6)}`) },
    { header: 'STATUS', value: (r) => r.status, style: paint },
  ], ctx.io.color));
  if (report.limits.length) {
    writeOut(ctx.io, '\nBudgets in budget_limits vs the copy in Redis the controller reads:');
    writeOut(ctx.io, renderTable(report.limits, [
      { header: 'BUDGET', value: (r) => r.budget },
      { header: 'TABLE', value: (r) => r.table ?? '(none)' },
      { header: 'REDIS', value: (r) => r.redis ?? '(none)' },
      { header: 'STATUS', value: (r) => r.status, style: paint },
    ], ctx.io.color));
  }
  if (report.drift) writeOut(ctx.io, '\nRedis and the ledger disagree; "medicalcor budget reconcile --repair" moves the counters to the ledger.');
  else if (report.repaired) writeOut(ctx.io, `\nRepaired ${report.repaired} difference(s).`);
  else writeOut(ctx.io, '\nRedis counters match the ledger.');
}

function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const amount = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(amount) || amount <= 0 || amount >= 1e10) throw usageError(`${flag} "${value}" is not an amount of USD above 0.`, `For example: ${flag} 250`);
  return Math.round(amount * 100) / 100;
}

export function register(program: Command, context: () => CommandContext): void {
  const budget = program.command('budget').description('AI spend against budgets; set budgets, freeze or unfreeze spend, reconcile counters with the ledger');

  budget
    .command('status')
    .description('spend today and this month against each budget, projections, top models/operations/tenants (exit 3 if a budget is exceeded)')
    .option('--tenant <id>', 'one tenant (its budgets and the global ones)')
    .action(async (options: { tenant?: string }) => {
      const ctx = context();
      const tenant = checkTenant(options.tenant);
      ctx.format(['table', 'json', 'yaml']);
      const status = await withLedger(ctx, 'budget status', (deps) => getBudgetStatus({ ...deps, tenant }), { redisOptional: true });
      renderStatus(ctx, status);
      // partial first, as everywhere: an exceeded budget is still shown and in the JSON
      if (status.unavailable.length) ctx.exitCode = ExitCode.Partial;
      else if (status.exceeded) ctx.exitCode = ExitCode.Problem;
    });

  budget
    .command('set')
    .description('set the daily and/or monthly budget, overall or for one tenant')
    .option('--daily <usd>', 'budget per UTC day')
    .option('--monthly <usd>', 'budget per UTC month')
    .option('--tenant <id>', 'a tenant\'s budget instead of the global one')
    .option('--soft', 'alert at the thresholds but never refuse calls')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (options: { daily?: string; monthly?: string; tenant?: string; soft?: boolean; yes?: boolean }) => {
      const ctx = context();
      const tenant = checkTenant(options.tenant);
      const daily = parseUsd('--daily', options.daily);
      const monthly = parseUsd('--monthly', options.monthly);
      if (daily === undefined && monthly === undefined) throw usageError('Say which budget to set: --daily USD and/or --monthly USD.', 'For example: medicalcor budget set --daily 50 --monthly 1000');
      ctx.format(['table', 'json', 'yaml']);
      const actor = defaultActor(ctx.streams.env);
      const what = [daily !== undefined ? `daily ${usd(daily)}` : '', monthly !== undefined ? `monthly ${usd(monthly)}` : ''].filter(Boolean).join(' and ');
      await ctx.confirmProduction(options.yes, `set the ${tenant ? `tenant ${tenant}` : 'global'} budget to ${what}`);
      const limits = await withLedger(ctx, 'budget set', async (deps) => {
        if (daily !== undefined) await setLimit(deps, { tenant, period: 'daily', limitUsd: daily, hardStop: !options.soft, actor });
        if (monthly !== undefined) await setLimit(deps, { tenant, period: 'monthly', limitUsd: monthly, hardStop: !options.soft, actor });
        return (await loadLimits(deps.pool, tenant)).filter((l) => l.tenant === (tenant ?? null));
      });
      renderLimits(ctx, limits, { actor });
    });

  budget
    .command('freeze')
    .description('kill switch: refuse every AI call (or one tenant\'s) from the next call on, until unfrozen')
    .option('--tenant <id>', 'freeze one tenant only')
    .option('--reason <text>', 'why (shown to whoever looks next)', 'frozen by an operator')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (options: { tenant?: string; reason: string; yes?: boolean }) => {
      const ctx = context();
      const tenant = checkTenant(options.tenant);
      const format = ctx.format(['table', 'json', 'yaml']);
      await ctx.confirmProduction(options.yes, `freeze AI spend${tenant ? ` for tenant ${tenant}` : ''}`);
      const config = ctx.config();
      const record = await withRedis(ctx, (redis) => freezeBudget({ redis, keyPrefix: config.redisKeyPrefix }, { tenant, actor: defaultActor(ctx.streams.env), reason: options.reason }));
      if (format !== 'table') emit(ctx, format, { environment: config.envName, frozen: true, freeze: record });
      else writeOut(ctx.io, `AI spend frozen${tenant ? ` for tenant ${tenant}` : ''} by ${record.actor}: ${record.reason}. Undo with "medicalcor budget unfreeze${tenant ? ` --tenant ${tenant}` : ''}".`);
    });

  budget
    .command('unfreeze')
    .description('lift a freeze')
    .option('--tenant <id>', 'the tenant whose freeze to lift')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .action(async (options: { tenant?: string; yes?: boolean }) => {
      const ctx = context();
      const tenant = checkTenant(options.tenant);
      const format = ctx.format(['table', 'json', 'yaml']);
      await ctx.confirmProduction(options.yes, `unfreeze AI spend${tenant ? ` for tenant ${tenant}` : ''}`);
      const config = ctx.config();
      const lifted = await withRedis(ctx, (redis) => unfreezeBudget({ redis, keyPrefix: config.redisKeyPrefix }, { tenant, actor: defaultActor(ctx.streams.env) }));
      if (format !== 'table') emit(ctx, format, { environment: config.envName, frozen: false, lifted: lifted ?? null });
      else writeOut(ctx.io, lifted ? `Unfrozen${tenant ? ` (tenant ${tenant})` : ''}; the freeze by ${lifted.actor} (${lifted.reason}) is lifted.` : `Nothing to do: AI spend${tenant ? ` for tenant ${tenant}` : ''} was not frozen.`);
    });

  budget
    .command('reconcile')
    .description('compare the Redis spend counters with the llm_usage_logs ledger (exit 3 on a difference); --repair fixes them')
    .option('--repair', 'move each counter by its difference and rewrite the budget copy in Redis')
    .option('-y, --yes', 'confirm --repair on a production environment without a prompt (needs --env)')
    .action(async (options: { repair?: boolean; yes?: boolean }) => {
      const ctx = context();
      ctx.format(['table', 'json', 'yaml']);
      if (options.repair) await ctx.confirmProduction(options.yes, 'repair the budget counters in Redis');
      const report = await withLedger(ctx, 'budget reconcile', (deps) => reconcileBudget(deps, { repair: options.repair }));
      renderReconcile(ctx, report);
      if (report.drift) ctx.exitCode = ExitCode.Problem;
    });
}
