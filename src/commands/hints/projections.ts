/** CLI hints for the domain error codes of `medicalcor projections`: code → what to run or pass next. */
export const projectionsHints: Record<string, (facts: Record<string, unknown>) => string> = {};
