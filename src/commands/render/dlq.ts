import type { DeadLetterDetail, DeadLetterSummary, DiscardResult, ReplayReport } from '../../core/dlq/index.js';
import { makeChalk, renderTable } from '../../cli-kit/index.js';

export function renderDeadLetters(rows: DeadLetterSummary[], color: boolean): string {
  if (rows.length === 0) return 'No dead letters match.';
  const chalk = makeChalk(color);
  return renderTable(
    rows,
    [
      { header: 'ID', value: (r) => r.id },
      { header: 'TYPE', value: (r) => r.webhookType },
      {
        header: 'STATUS',
        value: (r) => r.status,
        style: (t) => (t === 'failed' ? chalk.red(t) : t === 'processed' ? chalk.green(t) : t),
      },
      { header: 'RETRIES', value: (r) => `${r.retryCount}/${r.maxRetries}` },
      { header: 'CREATED', value: (r) => r.createdAt },
      { header: 'CORRELATION', value: (r) => r.correlationId },
      { header: 'LAST ERROR', value: (r) => r.lastError?.split('\n')[0] },
    ],
    color,
  );
}

export function renderDeadLetter(d: DeadLetterDetail): string {
  const lines = [
    `Dead letter ${d.id}`,
    `  type         ${d.webhookType}`,
    `  status       ${d.status} (retries ${d.retryCount}/${d.maxRetries})`,
    `  created      ${d.createdAt}`,
    `  updated      ${d.updatedAt}`,
    ...(d.nextRetryAt ? [`  next retry   ${d.nextRetryAt}`] : []),
    ...(d.processedAt ? [`  processed    ${d.processedAt}`] : []),
    `  correlation  ${d.correlationId ?? '(none)'}${d.correlationId ? `   → medicalcor trace ${d.correlationId}` : ''}`,
    `  last error   ${d.lastError ?? ''}`,
    '  payload (masked):',
    ...JSON.stringify(d.payload, null, 2)
      .split('\n')
      .map((l) => `    ${l}`),
  ];
  return lines.join('\n');
}

export function renderReplay(report: ReplayReport, color: boolean): string {
  const chalk = makeChalk(color);
  const lines: string[] = [];
  if (report.entries.length === 0) return 'No dead letters to replay.';
  lines.push(
    renderTable(
      report.entries,
      [
        { header: 'ID', value: (e) => e.id },
        { header: 'TYPE', value: (e) => e.webhookType },
        {
          header: 'OUTCOME',
          value: (e) => e.outcome,
          style: (t) => (t === 'replayed' ? chalk.green(t) : t === 'would-replay' ? t : chalk.red(t)),
        },
        { header: 'HTTP', value: (e) => e.httpStatus },
        { header: 'STATUS', value: (e) => e.status },
        { header: 'RETRIES', value: (e) => e.retryCount },
        { header: 'ERROR', value: (e) => e.error },
      ],
      color,
    ),
  );
  lines.push('');
  for (const t of report.types) {
    const breaker = `breaker ${t.breaker} ${t.breakerState}`;
    lines.push(
      report.dryRun
        ? `${t.webhookType}: ${report.entries.filter((e) => e.webhookType === t.webhookType).length} ` +
            `would be replayed (${breaker}).`
        : `${t.webhookType}: ${t.replayed} replayed, ${t.failed} failed, ${t.skipped} skipped (${breaker})` +
            `${t.stopped ? chalk.red('; stopped: breaker open') : ''}.`,
    );
  }
  if (report.dryRun) lines.push('Dry run: nothing was posted. Add --execute to replay them.');
  if (report.interrupted) lines.push(chalk.yellow('Interrupted: the entries not attempted are unchanged.'));
  return lines.join('\n');
}

export function renderDiscard(results: DiscardResult[]): string {
  return results
    .map((r) => `${r.id} (${r.webhookType}): ${r.previousStatus} → discarded (audit row ${r.auditId})`)
    .join('\n');
}
