import { SOURCE_LABELS, type SourceReport, type Trace } from '../../core/journey/index.js';
import { formatMs } from '../../core/time/index.js';

function listSources(reports: readonly SourceReport[]): string {
  return reports.map((r) => SOURCE_LABELS[r.source]).join(', ');
}

/**
 * The paragraph that ends every view: sources read, items, the first failure, the span, and the
 * verdict over the whole journey (a view cut by --limit says so, and names a failure beyond it).
 */
export function describeTrace(trace: Trace): string {
  const read = trace.sources.filter((s) => s.state === 'ok');
  const missing = trace.sources.filter((s) => s.state === 'failed' || s.state === 'timeout');
  const skipped = trace.sources.filter((s) => s.state === 'skipped');
  const parts: string[] = [];
  parts.push(`Read ${read.length} of ${trace.sources.length} sources (${listSources(read) || 'none'}).`);
  for (const s of missing)
    parts.push(
      `${SOURCE_LABELS[s.source]} ${s.state === 'timeout' ? 'timed out' : 'failed'}: ${s.reason}; ` +
        'its items are missing.',
    );
  for (const s of skipped) parts.push(`${SOURCE_LABELS[s.source]} skipped: ${s.reason}.`);
  const truncated = trace.sources.filter((s) => s.truncated);
  if (truncated.length) {
    parts.push(
      `The view is truncated: only the first items of ${listSources(truncated)} were read (raise --limit for more); ` +
        'the verdict covers the whole journey.',
    );
  }
  if (trace.items.length === 0 && !trace.verdict.failed) {
    parts.push(
      `Nothing matched correlation ID ${trace.correlationId}: the tables were searched over all time, ` +
        `Trigger.dev runs created from ${trace.searched.triggerRunsFrom.toISOString()} ` +
        `to ${trace.searched.triggerRunsTo.toISOString()}.`,
    );
    return parts.join(' ');
  }
  if (trace.items.length) {
    const bySource = read
      .filter((s) => s.items > 0)
      .map((s) => `${s.items} ${SOURCE_LABELS[s.source]}`)
      .join(', ');
    parts.push(
      `${trace.items.length} items (${bySource}) from ${trace.startAt!.toISOString()} ` +
        `to ${trace.endAt!.toISOString()}, spanning ${formatMs(trace.spanMs)}.`,
    );
  }
  const unknown = trace.items.filter((i) => i.status === 'unknown').length;
  if (unknown) parts.push(`${unknown} item(s) have a status this version does not know (shown as unknown).`);
  const failure = trace.firstFailure;
  const { verdict } = trace;
  if (failure) {
    const after = trace.items.filter((i) => i.afterFailure).length;
    parts.push(
      `First failure at ${failure.at.toISOString()} (+${formatMs(failure.offsetMs)}): ` +
        `${SOURCE_LABELS[failure.source]} "${failure.name}"${failure.error ? ` — ${failure.error}` : ''}; ` +
        `${after} item(s) followed it, ${verdict.failures} failure(s) in the whole journey.`,
    );
  }
  if (verdict.failureBeyondView) {
    const where = verdict.firstFailureSource
      ? ` (first in ${SOURCE_LABELS[verdict.firstFailureSource]} at ${verdict.firstFailureAt?.toISOString()})`
      : '';
    parts.push(`The journey has ${verdict.failures} failure(s), some beyond the items shown${where}.`);
  }
  if (!verdict.failed) {
    parts.push(missing.length ? 'No failure was found in the sources that answered.' : 'No failure was recorded.');
  }
  if (verdict.warnings)
    parts.push(`${verdict.warnings} warning(s) (retries, cancellations, compensations, processed dead letters).`);
  return parts.join(' ');
}
