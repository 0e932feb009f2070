/**
 * A correlation ID as the platform issues them (UUIDs, ULIDs, `req_…` ids). Trigger.dev tags are
 * at most 128 characters and the trace searches the tag `corr_<id>`, hence 123.
 */
const CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,122}$/;

/** undefined when valid, else why not (for a usage error). */
export function correlationIdProblem(value: string): string | undefined {
  if (value.length === 0) return 'it is empty';
  if (value.length > 123) return `it is ${value.length} characters long; the longest is 123`;
  if (!CORRELATION_ID.test(value)) return 'it may contain only letters, digits and . _ : - (starting with a letter or digit)';
  return undefined;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "15m", "1h", "7d", "1h30m" -> milliseconds; undefined if it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(?:\.\d+)?(ms|s|m|h|d|w))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return total > 0 ? total : undefined;
}
