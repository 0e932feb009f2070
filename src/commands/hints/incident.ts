/** CLI hints for the domain error codes of `medicalcor incident`: code → what to run or pass next. */
export const incidentHints: Record<string, (facts: Record<string, unknown>) => string> = {};
