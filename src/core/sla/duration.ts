/** Prometheus-style durations ("5m", "1h30m", "30d", "1w"), the only way the catalogue writes time. */

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800, y: 31_536_000 };
const DURATION = /^(\d+(?:ms|s|m|h|d|w|y))+$/;

export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** Seconds in a duration; undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!isDuration(text)) return undefined;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * UNIT_SECONDS[unit!]!;
  return total;
}

/** The shortest PromQL duration for a number of seconds (whole seconds; PromQL accepts "2592000s" too). */
export function promqlDuration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  for (const [unit, size] of [['w', 604_800], ['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (whole % size === 0) return `${whole / size}${unit}`;
  }
  return `${whole}s`;
}

/** "3d 4h", "27m", "45s": for people, two units at most. */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '∞';
  let rest = Math.max(0, Math.round(seconds));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
