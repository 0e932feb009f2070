/** CLI hints for the domain error codes of `medicalcor events`: code → what to run or pass next. */
export const eventsHints: Record<string, (facts: Record<string, unknown>) => string> = {};
