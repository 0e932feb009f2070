/** CLI hints for the domain error codes of `medicalcor sagas`: code → what to run or pass next. */
export const sagasHints: Record<string, (facts: Record<string, unknown>) => string> = {};
