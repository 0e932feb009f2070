import type { PruneReport, SnapshotStatus } from '../../core/snapshots/index.js';
import { makeChalk, renderTable } from '../../cli-kit/index.js';

export function renderSnapshotStatus(status: SnapshotStatus, color: boolean): string {
  if (status.types.length === 0) return 'No aggregates in the event store.';
  const chalk = makeChalk(color);
  const lines = [
    renderTable(
      status.types,
      [
        { header: 'AGGREGATE TYPE', value: (t) => t.aggregateType },
        { header: 'AGGREGATES', value: (t) => t.aggregates },
        { header: 'NO SNAPSHOT', value: (t) => t.withoutSnapshot },
        { header: 'SINCE SNAPSHOT p50', value: (t) => t.eventsSinceSnapshot.p50 },
        { header: 'p99', value: (t) => t.eventsSinceSnapshot.p99 },
        { header: 'max', value: (t) => t.eventsSinceSnapshot.max },
        {
          header: `PAST ${status.interval}`,
          value: (t) => t.pastInterval,
          style: (text) => (text === '0' ? text : chalk.red(text)),
        },
      ],
      color,
    ),
  ];
  const worst = status.types.flatMap((t) => t.worst.map((w) => ({ ...w, aggregateType: t.aggregateType })));
  if (worst.length) {
    lines.push('', `Furthest past the interval of ${status.interval} events:`);
    lines.push(
      renderTable(
        worst,
        [
          { header: 'AGGREGATE', value: (w) => w.aggregateId },
          { header: 'TYPE', value: (w) => w.aggregateType },
          { header: 'VERSION', value: (w) => w.version },
          { header: 'SNAPSHOT AT', value: (w) => w.snapshotVersion || 'none' },
          { header: 'EVENTS SINCE', value: (w) => w.eventsSinceSnapshot },
        ],
        color,
      ),
    );
  }
  return lines.join('\n');
}

export function renderPrune(report: PruneReport): string {
  const head = report.dryRun
    ? `Would delete ${report.pruned} snapshots of ${report.aggregates} aggregates, ` +
      `keeping the newest ${report.keep} of each (dry run).`
    : `Deleted ${report.pruned} snapshots of ${report.aggregates} aggregates, ` +
      `keeping the newest ${report.keep} of each.`;
  return [head, ...report.byType.map((t) => `  ${t.aggregateType}: ${t.pruned}`)].join('\n');
}
