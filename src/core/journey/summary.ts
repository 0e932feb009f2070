import { formatMs } from '../time/index.js';
import type { Trace } from './trace.js';
import { SOURCE_LABELS, type SourceReport } from './types.js';

function listSources(reports: readonly SourceReport[]): string {
  return reports.map((r) => SOURCE_LABELS[r.source]).join(', ');
}

/** The one-paragraph summary that ends every view: sources read, items, first failure, total span. */
export function describeTrace(trace: Omit<Trace, 'summary'>): string {
  const read = trace.sources.filter((s) => s.state === 'ok');
  const missing = trace.sources.filter((s) => s.state === 'failed' || s.state === 'timeout');
  const skipped = trace.sources.filter((s) => s.state === 'skipped');
  const parts: string[] = [];
  parts.push(`Read ${read.length} of ${trace.sources.length} sources (${listSources(read) || 'none'}).`);
  for (const s of missing) parts.push(`${SOURCE_LABELS[s.source]} ${s.state === 'timeout' ? 'timed out' : 'failed'}: ${s.reason}; its items are missing.`);
  for (const s of skipped) parts.push(`${SOURCE_LABELS[s.source]} skipped: ${s.reason}.`);
  const truncated = trace.sources.filter((s) => s.truncated);
  if (truncated.length) parts.push(`Only the first items of ${listSources(truncated)} were read (raise --limit for more).`);
  if (trace.items.length === 0) {
    parts.push(`Nothing matched correlation ID ${trace.correlationId}: the tables were searched over all time, Trigger.dev runs created from ${trace.searched.triggerRunsFrom.toISOString()} to ${trace.searched.triggerRunsTo.toISOString()}.`);
    return parts.join(' ');
  }
  const bySource = read.filter((s) => s.items > 0).map((s) => `${s.items} ${SOURCE_LABELS[s.source]}`).join(', ');
  parts.push(`${trace.items.length} items (${bySource}) from ${trace.startAt!.toISOString()} to ${trace.endAt!.toISOString()}, spanning ${formatMs(trace.spanMs)}.`);
  const failure = trace.firstFailure;
  if (failure) {
    const after = trace.items.filter((i) => i.afterFailure).length;
    const failures = trace.items.filter((i) => i.status === 'failed').length;
    parts.push(
      `First failure at ${failure.at.toISOString()} (+${formatMs(failure.offsetMs)}): ${SOURCE_LABELS[failure.source]} "${failure.name}"${failure.error ? ` — ${failure.error}` : ''}; ${after} item(s) followed it, ${failures} failure(s) in all.`,
    );
  } else {
    parts.push('No failure was recorded.');
  }
  return parts.join(' ');
}
