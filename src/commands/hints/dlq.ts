/** CLI hints for the domain error codes of `medicalcor dlq`: code → what to run or pass next. */
export const dlqHints: Record<string, (facts: Record<string, unknown>) => string> = {};
