/** CLI hints for the domain error codes of `medicalcor trace`: code → what to run or pass next. */
export const traceHints: Record<string, (facts: Record<string, unknown>) => string> = {};
