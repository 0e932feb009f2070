/** CLI hints for the domain error codes of `medicalcor migrate`: code → what to run or pass next. */
export const migrateHints: Record<string, (facts: Record<string, unknown>) => string> = {};
