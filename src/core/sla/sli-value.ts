import { PrometheusQueryError, PrometheusUnavailableError, type Sample } from '../prometheus/index.js';

/** An SLI query that gives several series: a catalogue error, reported like a query Prometheus refused. */
export class SliNotAggregatedError extends Error {
  constructor(series: number) {
    super(`returned ${series} series; an SLI must aggregate to one (wrap it in sum(...) or avg(...))`);
    this.name = 'SliNotAggregatedError';
  }
}

/** One number from an instant query: the single sample, or null when the result is empty or NaN. */
export function scalarOf(samples: readonly Sample[]): number | null {
  if (samples.length > 1) throw new SliNotAggregatedError(samples.length);
  const v = samples[0]?.value;
  return v === undefined || Number.isNaN(v) ? null : v;
}

export type SliFailure =
  | PrometheusUnavailableError
  | PrometheusQueryError
  | SliNotAggregatedError
  | ErrorRatioOutOfRangeError;

/** A failure that makes a result partial rather than the command fail; anything else is a bug and is thrown. */
export function isSliFailure(error: unknown): error is SliFailure {
  return (
    error instanceof PrometheusUnavailableError ||
    error instanceof PrometheusQueryError ||
    error instanceof SliNotAggregatedError ||
    error instanceof ErrorRatioOutOfRangeError
  );
}

/** The line in a result's errors: an unreachable Prometheus once for all SLAs, a bad query under its SLA. */
export function describeSliFailure(slaId: string, error: SliFailure): string {
  return error instanceof PrometheusUnavailableError ? error.message : `${slaId}: ${error.message}`;
}

/** An errorRatio query that gives a value outside 0..1: the query is wrong (an inverted ratio, a percentage). */
export class ErrorRatioOutOfRangeError extends Error {
  constructor(
    readonly value: number,
    readonly window: string,
  ) {
    super(`errorRatio gave ${value} over ${window}; an error ratio lies in 0..1 (is it a percentage, or inverted?)`);
    this.name = 'ErrorRatioOutOfRangeError';
  }
}
