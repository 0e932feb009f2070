/** CLI hints for the domain error codes of `medicalcor breaker`: code → what to run or pass next. */
export const breakerHints: Record<string, (facts: Record<string, unknown>) => string> = {};
