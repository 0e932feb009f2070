import type { ReadRoute } from '../../core/db/index.js';
import type { FailedJourneysReport, PlacedItem, SourceReport, Trace } from '../../core/journey/index.js';
import { describeTrace } from './trace-summary.js';

/** Where the tables were read (replica or primary, its lag), for the JSON of both views. */
export function routeToJson(route: ReadRoute | undefined) {
  return route ? { target: route.target, lagMs: route.lagMs ?? null, reason: route.reason } : null;
}

function sourceToJson(s: SourceReport) {
  return {
    source: s.source,
    state: s.state,
    items: s.items,
    elapsedMs: s.elapsedMs,
    reason: s.reason ?? null,
    truncated: Boolean(s.truncated),
    note: s.note ?? null,
    failures: s.failures ?? null,
    warnings: s.warnings ?? null,
  };
}

/** The documented JSON shape of `trace ID -o json` (docs/trace.md); change it only additively. */
export function traceToJson(trace: Trace, route?: ReadRoute) {
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
    truncated: trace.truncated,
    database: routeToJson(route),
    verdict: {
      failed: trace.verdict.failed,
      failures: trace.verdict.failures,
      warnings: trace.verdict.warnings,
      firstFailureAt: trace.verdict.firstFailureAt?.toISOString() ?? null,
      firstFailureSource: trace.verdict.firstFailureSource ?? null,
      failureBeyondView: trace.verdict.failureBeyondView,
    },
    sources: trace.sources.map(sourceToJson),
    startAt: trace.startAt?.toISOString() ?? null,
    endAt: trace.endAt?.toISOString() ?? null,
    spanMs: trace.spanMs,
    firstFailure: trace.firstFailure
      ? { index: trace.items.indexOf(trace.firstFailure), ...itemToJson(trace.firstFailure) }
      : null,
    items: trace.items.map(itemToJson),
    summary: describeTrace(trace),
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
export function failedToJson(report: FailedJourneysReport, route?: ReadRoute) {
  return {
    database: routeToJson(route),
    from: report.from.toISOString(),
    to: report.to.toISOString(),
    partial: report.partial,
    sources: report.sources.map((s) => ({
      source: s.source,
      state: s.state,
      failures: s.items,
      elapsedMs: s.elapsedMs,
      reason: s.reason ?? null,
      truncated: Boolean(s.truncated),
    })),
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
