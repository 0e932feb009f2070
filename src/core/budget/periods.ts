/** Budget periods are UTC calendar days and months, the same in every pod, the CLI and the ledger. */
export type Period = 'daily' | 'monthly';

export interface PeriodWindow {
  period: Period;
  /** "2025-03-14" or "2025-03" */
  id: string;
  start: Date;
  end: Date;
}

export function dayWindow(now: Date): PeriodWindow {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const end = new Date(start.getTime() + 86_400_000);
  return { period: 'daily', id: start.toISOString().slice(0, 10), start, end };
}

export function monthWindow(now: Date): PeriodWindow {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { period: 'monthly', id: start.toISOString().slice(0, 7), start, end };
}

/**
 * Counters outlive their period by a grace time so `budget reconcile` can still compare the
 * period that just ended; then Redis drops them by itself.
 */
export function counterExpiry(window: PeriodWindow): number {
  return window.end.getTime() + (window.period === 'daily' ? 2 * 86_400_000 : 7 * 86_400_000);
}

/**
 * Straight-line projection to the end of the window from the spend so far. Each window uses its own
 * elapsed fraction, so the day's and the month's projections are both right at once.
 */
export function project(spentUsd: number, window: PeriodWindow, now: Date): number {
  const elapsed = Math.max(now.getTime() - window.start.getTime(), 60_000);
  const length = window.end.getTime() - window.start.getTime();
  if (elapsed >= length) return spentUsd;
  return (spentUsd * length) / elapsed;
}
