import type { FailedJourneysReport, PlacedItem, Trace } from '../../core/journey/index.js';

/** The documented JSON shape of `trace ID -o json` (docs/trace.md); change it only additively. */
export function traceToJson(trace: Trace) {
  return {
    correlationId: trace.correlationId,
    generatedAt: trace.generatedAt.toISOString(),
    searched: {
      tables: trace.searched.tables,
      triggerRunsFrom: trace.searched.triggerRunsFrom.toISOString(),
      triggerRunsTo: trace.searched.triggerRunsTo.toISOString(),
    },
    piiShown: trace.piiShown,
    partial: trace.partial,
    sources: trace.sources.map((s) => ({ source: s.source, state: s.state, items: s.items, elapsedMs: s.elapsedMs, reason: s.reason ?? null, truncated: Boolean(s.truncated), note: s.note ?? null })),
    startAt: trace.startAt?.toISOString() ?? null,
    endAt: trace.endAt?.toISOString() ?? null,
    spanMs: trace.spanMs,
    firstFailure: trace.firstFailure ? { index: trace.items.indexOf(trace.firstFailure), ...itemToJson(trace.firstFailure) } : null,
    items: trace.items.map(itemToJson),
    summary: trace.summary,
  };
}

export function itemToJson(item: PlacedItem) {
  return {
    at: item.at.toISOString(),
    endAt: item.endAt?.toISOString() ?? null,
    offsetMs: item.offsetMs,
    gapMs: item.gapMs ?? null,
    durationMs: item.durationMs ?? null,
    source: item.source,
    name: item.name,
    status: item.status,
    firstFailure: item.firstFailure,
    afterFailure: item.afterFailure,
    summary: item.summary,
    error: item.error ?? null,
    ref: item.ref,
    detail: item.detail,
  };
}

/** The documented JSON shape of `trace --failed -o json`. */
export function failedToJson(report: FailedJourneysReport) {
  return {
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    partial: report.partial,
    sources: report.sources.map((s) => ({ source: s.source, state: s.state, failures: s.items, elapsedMs: s.elapsedMs, reason: s.reason ?? null, truncated: Boolean(s.truncated) })),
    journeys: report.journeys.map((j) => ({
      correlationId: j.correlationId,
      failedAt: j.failedAt.toISOString(),
      source: j.source,
      step: j.step,
      error: j.error ?? null,
      lastFailureAt: j.lastFailureAt.toISOString(),
      failures: j.failures,
    })),
  };
}
