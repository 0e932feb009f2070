/** CLI hints for the domain error codes of `medicalcor budget`: code → what to run or pass next. */
export const budgetHints: Record<string, (facts: Record<string, unknown>) => string> = {
  'budget-bad-amount': () => 'Pass whole cents of at least 0.01, e.g. --daily 0.50.',
  'budget-unknown-model': () =>
    'Add the model to the price table (src/core/budget/pricing.ts) or configure unknownModelFallback in the service.',
};
