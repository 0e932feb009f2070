/** CLI hints for the domain error codes of `medicalcor schema`: code → what to run or pass next. */
export const schemaHints: Record<string, (facts: Record<string, unknown>) => string> = {};
