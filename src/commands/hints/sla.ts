/** CLI hints for the domain error codes of `medicalcor sla`: code → what to run or pass next. */
export const slaHints: Record<string, (facts: Record<string, unknown>) => string> = {};
