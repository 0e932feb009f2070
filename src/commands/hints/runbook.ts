/** CLI hints for the domain error codes of `medicalcor runbook`: code → what to run or pass next. */
export const runbookHints: Record<string, (facts: Record<string, unknown>) => string> = {};
