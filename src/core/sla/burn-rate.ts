import { humanDuration } from './duration.js';

/**
 * The multiwindow, multi-burn-rate alerts of the SRE workbook (ch. 5): each pair alerts when both
 * its long and its short window burn faster than a factor. The factor is derived from the SLA's
 * window rather than copied: a factor f over a long window L spends `budgetSpent` of the budget,
 * so f = budgetSpent × window / L (2 % in 1 h of a 30-day window: 0.02 × 720 h / 1 h = 14.4).
 */
export interface BurnWindowPair {
  long: string;
  longSeconds: number;
  short: string;
  shortSeconds: number;
  /** share of the whole error budget spent when the long window burns at the factor */
  budgetSpent: number;
  severity: 'page' | 'ticket';
}

export const BURN_WINDOW_PAIRS: readonly BurnWindowPair[] = [
  { long: '1h', longSeconds: 3_600, short: '5m', shortSeconds: 300, budgetSpent: 0.02, severity: 'page' },
  { long: '6h', longSeconds: 21_600, short: '30m', shortSeconds: 1_800, budgetSpent: 0.05, severity: 'page' },
  { long: '1d', longSeconds: 86_400, short: '2h', shortSeconds: 7_200, budgetSpent: 0.1, severity: 'ticket' },
  { long: '3d', longSeconds: 259_200, short: '6h', shortSeconds: 21_600, budgetSpent: 0.1, severity: 'ticket' },
];

/** Every distinct burn-rate window, shortest first (each is one query per SLA). */
export const BURN_WINDOWS: readonly { label: string; seconds: number }[] = [
  ...new Map(
    BURN_WINDOW_PAIRS.flatMap(
      (p) =>
        [
          [p.short, p.shortSeconds],
          [p.long, p.longSeconds],
        ] as const,
    ),
  ).entries(),
]
  .map(([label, seconds]) => ({ label, seconds }))
  .sort((a, b) => a.seconds - b.seconds);

export function burnFactor(pair: Pick<BurnWindowPair, 'budgetSpent' | 'longSeconds'>, windowSeconds: number): number {
  return (pair.budgetSpent * windowSeconds) / pair.longSeconds;
}

/** Burn rate: how many times faster than "exactly spent at the end of the window" the budget goes. */
export function burnRate(errorRatio: number, errorBudget: number): number {
  return errorRatio / errorBudget;
}

/**
 * Seconds until the budget is gone if the current burn rate holds: with a share r of the budget
 * left and burn rate b, the rest lasts r × window / b. 0 when already spent; undefined when
 * nothing is burning.
 */
export function secondsToExhaustion(remaining: number, burn: number, windowSeconds: number): number | undefined {
  if (remaining <= 0) return 0;
  if (!(burn > 0) || !Number.isFinite(burn)) return undefined;
  return (remaining * windowSeconds) / burn;
}

export function describeExhaustion(seconds: number | undefined): string {
  if (seconds === undefined) return 'not burning';
  if (seconds === 0) return 'exhausted';
  return humanDuration(seconds);
}
