import { usageError } from '../cli-kit/index.js';
import { parseDuration } from '../core/time/index.js';
import { typedValue } from '../core/mask/index.js';

/** Parsers for option values shared by the commands: each bad value is a usage error (exit 2). */

/** A number of seconds (0 allowed), in milliseconds. */
export function parseSeconds(flag: string, value: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0)
    throw usageError(`${flag} must be a number of seconds, not "${value}".`);
  return seconds * 1000;
}

/** A whole number within [min, max]. */
export function parseWholeNumber(flag: string, value: string, { min = 1, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw usageError(
      `${flag} "${value}" must be a whole number ` +
        `${max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`}.`,
    );
  }
  return n;
}

/** A duration such as 500ms, 30s, 15m, 1h30m or 7d, in milliseconds. */
export function parseDurationOption(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw usageError(
      `${flag} ${typedValue(value)} is not a duration.`,
      'Use a number with a unit: 500ms, 5s, 15m, 1h, 7d.',
    );
  return ms;
}

/** Collects a repeatable, comma-separable option: --only a,b --only c → [a, b, c]. */
export const collectList = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];
