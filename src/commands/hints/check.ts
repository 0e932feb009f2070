/** CLI hints for the domain error codes of `medicalcor check`: code → what to run or pass next. */
export const checkHints: Record<string, (facts: Record<string, unknown>) => string> = {};
