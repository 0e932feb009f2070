/** Prometheus-style durations ("5m", "1h30m", "30d", "1w"), the only way the catalogue writes time. */

import { formatDuration, parseDuration } from '../time/index.js';

/** Seconds in a duration (PromQL works in seconds); undefined when the text is not one. */
export function parseDurationSeconds(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : ms / 1_000;
}

/** The shortest PromQL duration for a number of seconds (whole seconds; PromQL accepts "2592000s" too). */
export function promqlDuration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  for (const [unit, size] of [
    ['w', 604_800],
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}s`;
}

/** "3d 4h", "27m", "45s": for people, two units at most. */
export function humanDuration(seconds: number): string {
  return seconds < 1 ? '0s' : formatDuration(seconds * 1_000);
}
