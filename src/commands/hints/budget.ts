/** CLI hints for the domain error codes of `medicalcor budget`: code → what to run or pass next. */
export const budgetHints: Record<string, (facts: Record<string, unknown>) => string> = {};
