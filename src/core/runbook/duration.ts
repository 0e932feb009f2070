const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export const DURATION = /^(\d+)(ms|s|m|h)$/;

/** "30s", "5m", "250ms", "1h" -> milliseconds. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (use 250ms, 30s, 5m or 1h)`);
  return Number(match[1]) * UNITS[match[2]!]!;
}
