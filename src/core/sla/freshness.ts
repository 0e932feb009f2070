import type { SlaDefinition } from './catalogue.js';
import { parseDurationSeconds } from './duration.js';

/** How far back the time of the last sample is looked for; older than this is "over a day". */
export const FRESHNESS_LOOKBACK = '1d';
export const FRESHNESS_LOOKBACK_SECONDS = 86_400;
/**
 * The subquery's step: each step finds the newest sample within Prometheus' lookback (5m by
 * default) before it, and timestamp() gives that sample's own time, so any step under the
 * lookback finds the newest sample exactly; 4m costs a quarter of 1m.
 */
export const FRESHNESS_RESOLUTION = '4m';

export interface Freshness {
  /** the newest sample of any of the SLI's series, within the last day; null if none */
  lastSampleAt: Date | null;
  /** seconds between the evaluation time and that sample; null if none within the last day */
  ageSeconds: number | null;
  staleAfterSeconds: number;
  /** no sample for longer than staleAfter: the figures describe the past, not now */
  stale: boolean;
}

/**
 * The time (seconds since the epoch) of the newest sample of any of the SLI's series within
 * `range` (default: staleAfter): the instant lookup finds the newest within Prometheus' lookback,
 * the subquery any older one (exactly: see FRESHNESS_RESOLUTION). Each part is tagged so `or`
 * keeps them all, and `max` takes the newest. `sla status` looks back staleAfter first (a few
 * subquery steps), and a whole day only for the SLAs found stale, to tell the age of their last sample.
 */
export function freshnessQuery(sla: Pick<SlaDefinition, 'sli' | 'staleAfter'>, range: string = sla.staleAfter): string {
  const parts = sla.sli.series.flatMap((selector, i) => [
    `label_replace(max(timestamp(${selector})), "medicalcor_part", "${i}-now", "", "")`,
    `label_replace(max(max_over_time(timestamp(${selector})[${range}:${FRESHNESS_RESOLUTION}])), "medicalcor_part", ` +
      `"${i}-range", "", "")`,
  ]);
  return `max(${parts.join(' or ')})`;
}

export function freshnessOf(
  sla: Pick<SlaDefinition, 'staleAfter'>,
  lastSampleSeconds: number | null,
  at: Date,
): Freshness {
  const staleAfterSeconds = parseDurationSeconds(sla.staleAfter)!;
  if (lastSampleSeconds === null) return { lastSampleAt: null, ageSeconds: null, staleAfterSeconds, stale: true };
  const ageSeconds = Math.max(0, Math.round((at.getTime() / 1000 - lastSampleSeconds) * 1000) / 1000);
  return {
    lastSampleAt: new Date(lastSampleSeconds * 1000),
    ageSeconds,
    staleAfterSeconds,
    stale: ageSeconds > staleAfterSeconds,
  };
}
