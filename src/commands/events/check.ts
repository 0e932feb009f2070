import type { Command } from 'commander';
import { checkStoredEvents } from '../../core/events/index.js';
import { ExitCode, note, renderData, usageError, writeOut } from '../../cli-kit/index.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../errors.js';
import { collectList, parseDurationOption, parseWholeNumber } from '../options.js';
import { renderEventCheck, resumeCommand } from '../render/events.js';
import { progressReporter } from './operator.js';
import { registryFor } from './registry-source.js';

export interface Options {
  since?: string;
  type?: string[];
  sample?: string;
  all?: boolean;
  after?: string;
  batchSize?: string;
  parallel?: string;
  statementTimeout?: string;
  againstRegistry?: string;
}

const DEFAULT_SAMPLE = 10_000;

export function registerCheck(events: Command, context: () => CommandContext): void {
  events
    .command('check')
    .description(
      'validate stored events against the registry: per type and version, counts, invalid payloads, ' +
        'unknown types and versions, missing upcasters (exit 3 on a problem)',
    )
    .option('--since <duration>', 'only events that occurred within this long, e.g. 30d, 12h')
    .option('--type <type>', 'only this event type (repeatable, comma-separated)', collectList)
    .option('--sample <n>', `the newest N matching events (default ${DEFAULT_SAMPLE})`)
    .option('--all', 'every matching event')
    .option('--after <position>', 'start after this global position (the cursor an interrupted check prints)')
    .option('--batch-size <n>', 'events per read (default 5000)')
    .option(
      '--parallel <n>',
      'readers sharing one snapshot, each its own connection, for a slow or distant server (default 1, at most 4)',
    )
    .option('--statement-timeout <duration>', 'limit per read, inside the read-only transaction (default 30s)')
    .option(
      '--against-registry <file>',
      'check against a proposed registry (JSON from "events schemas --export", or an ES module) ' +
        'instead of the shipped one',
    )
    .addHelpText(
      'after',
      `
Examples:
  medicalcor events check                                 # the newest ${DEFAULT_SAMPLE} events
  medicalcor events check --since 30d --type LeadScored --all
  medicalcor --env staging events check --all --against-registry proposed-registry.json -o json
  medicalcor events check --all --after 1200000            # resume an interrupted check

Invalid payloads are shown with the event id, the first failing path and the stored value masked.
Ctrl-C stops after the batch in flight (exit 130) and prints the --after cursor to resume.`,
    )
    .action(async (options: Options) => {
      const ctx = context();
      ctx.label = 'medicalcor events check';
      const format = ctx.format(['table', 'json', 'yaml']);
      if (options.all && options.sample)
        throw usageError(
          '--all and --sample cannot be used together.',
          'Pass one: --all for every event, --sample N for the newest N.',
        );
      const sinceMs = options.since === undefined ? undefined : parseDurationOption('--since', options.since);
      const sample = options.all
        ? undefined
        : options.sample
          ? parseWholeNumber('--sample', options.sample)
          : options.after
            ? undefined
            : DEFAULT_SAMPLE;
      const after = options.after === undefined ? undefined : parseWholeNumber('--after', options.after, { min: 0 });
      const batchSize =
        options.batchSize === undefined
          ? undefined
          : parseWholeNumber('--batch-size', options.batchSize, { min: 1, max: 100_000 });
      const parallel =
        options.parallel === undefined ? 1 : parseWholeNumber('--parallel', options.parallel, { min: 1, max: 4 });
      const statementTimeoutMs =
        options.statementTimeout === undefined
          ? undefined
          : parseDurationOption('--statement-timeout', options.statementTimeout);
      const { registry, source } = await registryFor(ctx, options.againstRegistry);
      const db = await ctx.systems.readDatabase();
      const progress = await progressReporter(ctx, 'reading domain_events…');
      let report;
      try {
        report = await checkStoredEvents(db.pool, registry, {
          since: sinceMs === undefined ? undefined : new Date(Date.now() - sinceMs),
          types: options.type,
          sample,
          after,
          batchSize,
          // the embedded database serves one transaction at a time: a second reader would wait for the first
          parallel: db.embedded ? 1 : parallel,
          statementTimeoutMs,
          signal: ctx.signal,
          onProgress: (p) =>
            progress.update(
              `events check: ${p.scanned.toLocaleString('en-US')} events read, at position ${p.position} of ${p.head}`,
            ),
        });
      } finally {
        progress.stop();
      }
      if (format === 'table') writeOut(ctx.io, renderEventCheck(report, source, ctx.io.color));
      else writeOut(ctx.io, renderData(format, { registry: source, ...report }));
      if (report.interrupted) {
        note(
          ctx.io,
          `Interrupted after position ${report.lastPosition}; ` +
            `resume with: ${resumeCommand(report.lastPosition, options)}`,
        );
        ctx.exitCode = ExitCode.Interrupted;
        return;
      }
      ctx.exitCode = exitCodeFor({ problem: report.problem });
    });
}
