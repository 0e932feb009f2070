import type { Command } from 'commander';
import {
  breakerGuard,
  replayCredential,
  replayDeadLetters,
  replayEndpoint,
  type ReplayReport,
} from '../../core/dlq/index.js';
import { ExitCode, note, renderData, usageError, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { operatorOf, progressReporter } from '../events/operator.js';
import { collectList, parseWholeNumber } from '../options.js';
import { renderReplay } from '../render/dlq.js';
import { typedValue } from '../../core/mask/index.js';

export interface Options {
  type?: string[];
  id?: string[];
  limit: string;
  rate?: string;
  execute?: boolean;
  timeout?: string;
  yes?: boolean;
}

/** "5", "5/s", "0.5/s": posts per second. */
export function parseRate(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(value.trim());
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate > 0) || rate > 1_000)
    throw usageError(
      `--rate ${typedValue(value)} is not a rate.`,
      'Use posts per second, e.g. --rate 5/s or --rate 0.5/s (at most 1000/s).',
    );
  return rate;
}

export function registerReplay(dlq: Command, context: () => CommandContext): void {
  dlq
    .command('replay')
    .description(
      "re-post dead letters to the platform's webhook replay endpoint, each type behind its shared breaker " +
        'dlq-<type> (dry run unless --execute)',
    )
    .option('--type <type>', 'only this webhook type (repeatable, comma-separated)', collectList)
    .option('--id <id>', 'only these dead letters (repeatable, comma-separated)', collectList)
    .option('--limit <n>', 'at most this many, oldest first', '100')
    .option('--rate <r/s>', 'at most this many posts per second, e.g. 5/s')
    .option('--timeout <seconds>', 'per post (default 10)')
    .option('--execute', 'post them (otherwise only list what would be posted)')
    .option('-y, --yes', 'confirm on a production environment without a prompt (needs --env)')
    .addHelpText(
      'after',
      `
Examples:
  medicalcor dlq replay --type whatsapp                        # dry run: what would be posted
  medicalcor dlq replay --type whatsapp --limit 50 --rate 5/s --execute
  medicalcor --env production dlq replay --id 3f0c6c9e-8a1e-4c47-9d55-0b7d7b0e5a11 --execute --yes

Each post goes to the environment's dlqReplayUrl (":type" replaced), else {apiBaseUrl}/webhooks/replay/:type,
with the token named by dlqReplayToken (an environment variable; never printed) when the environment names one.
A type whose breaker is open is skipped; the other types go on. Exit 3 if a post failed or a type was stopped.`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor dlq replay';
      const format = ctx.format(['table', 'json', 'yaml']);
      const limit = parseWholeNumber('--limit', options.limit, { min: 1, max: 10_000 });
      const ratePerSecond = options.rate === undefined ? undefined : parseRate(options.rate);
      const timeoutMs =
        options.timeout === undefined
          ? undefined
          : parseWholeNumber('--timeout', options.timeout, { min: 1, max: 300 }) * 1000;
      const endpoint = options.execute ? replayEndpoint(ctx.config()) : undefined;
      // refused before anything is read or posted when the token's variable is unset
      const credential = options.execute ? replayCredential(ctx.config()) : undefined;
      const token = ctx.config().dlqReplayCredential;
      if (!options.execute && token && !token.value)
        note(ctx.io, `note: ${token.variable} (dlqReplayToken) is not set; --execute would be refused until it is`);
      const db = await ctx.systems.database();
      let guard;
      try {
        guard = breakerGuard(await ctx.systems.breakers());
      } catch (error) {
        if (options.execute) throw error;
        note(ctx.io, `note: breaker states unknown (${(error as Error).message.split('\n')[0]})`);
      }
      if (options.execute) await ctx.confirmProduction(options.yes, `replay up to ${limit} dead letters`);
      const progress = options.execute ? await progressReporter(ctx, 'replaying…') : undefined;
      let report: ReplayReport;
      try {
        report = await replayDeadLetters(db.pool, {
          types: options.type,
          ids: options.id,
          limit,
          execute: Boolean(options.execute),
          ratePerSecond,
          timeoutMs,
          endpoint,
          credential,
          guard,
          operator: operatorOf(ctx),
          signal: ctx.signal,
          onProgress: (done, total, last) =>
            progress?.update(`replayed ${done} of ${total} (last: ${last.webhookType} ${last.outcome})`),
        });
      } finally {
        progress?.stop();
      }
      for (const entry of report.entries.filter((e) => e.auditId !== undefined)) {
        await ctx.recordAction({
          kind: 'dlq.replay',
          summary:
            `dead letter ${entry.id} (${entry.webhookType}) replayed: ${entry.outcome}` +
            (entry.httpStatus ? ` HTTP ${entry.httpStatus}` : ''),
          ref: `event_store_operations:${entry.auditId}`,
          outcome: entry.outcome === 'replayed' ? 'succeeded' : 'failed',
        });
      }
      writeOut(ctx.io, format === 'table' ? renderReplay(report, ctx.io.color) : renderData(format, report));
      if (report.interrupted) {
        ctx.exitCode = ExitCode.Interrupted;
        return;
      }
      ctx.exitCode = exitCodeFor({ problem: report.problem });
    });
}
