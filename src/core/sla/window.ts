import type { SlaDefinition } from './catalogue.js';
import { parseDurationSeconds } from './duration.js';

export interface SlaWindow {
  kind: 'rolling' | 'calendar-month';
  /** as written in the catalogue: "30d", "calendar-month" */
  label: string;
  /** the stretch evaluated at this moment: the last 30 days, or the month so far */
  from: Date;
  to: Date;
  /** length of what is evaluated now (the month so far for a calendar window) */
  elapsedSeconds: number;
  /** length of the whole window (the whole month for a calendar window): what the budget is spread over */
  totalSeconds: number;
}

/** The SLA's window as of `at` (calendar months in UTC). */
export function windowAt(sla: Pick<SlaDefinition, 'window'>, at: Date): SlaWindow {
  if (sla.window === 'calendar-month') {
    const from = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
    return {
      kind: 'calendar-month',
      label: 'calendar-month',
      from,
      to: at,
      // at least a minute, so the first moments of a month still make a valid PromQL range
      elapsedSeconds: Math.max(60, Math.floor((at.getTime() - from.getTime()) / 1000)),
      totalSeconds: (next.getTime() - from.getTime()) / 1000,
    };
  }
  const seconds = parseDurationSeconds(sla.window)!;
  return {
    kind: 'rolling',
    label: sla.window,
    from: new Date(at.getTime() - seconds * 1000),
    to: at,
    elapsedSeconds: seconds,
    totalSeconds: seconds,
  };
}
