export {
  PRICE_TABLE,
  PRICE_TABLE_DATE,
  priceOf,
  costOf,
  type ModelPrice,
  type TokenUsage,
  type Cost,
} from './pricing.js';
export { USER_TIERS, CALL_CAPS, isUserTier, type UserTier, type CappedApi } from './tiers.js';
export {
  dayWindow as budgetDayWindow,
  monthWindow as budgetMonthWindow,
  type Period as BudgetPeriod,
  type PeriodWindow as BudgetPeriodWindow,
} from './periods.js';
export { budgetKeys, type BudgetKeys } from './keys.js';
export { listTenantFreezes } from './freeze.js';
export { loadLimits, setLimit, mirrorLimits, type BudgetLimit, type LimitDeps } from './limits.js';
export { freezeBudget, unfreezeBudget, readFreezes, type FreezeRecord, type FreezeDeps } from './freeze.js';
export {
  BudgetController,
  BudgetRefusedError,
  createBudgetController,
  THRESHOLDS as BUDGET_THRESHOLDS,
  type BudgetControllerOptions,
  type OutagePolicy,
  type Reservation,
  type UsageRequest,
  type UsageRecord,
  type RecordResult,
  type ThresholdEvent,
  type RefusalReason,
} from './controller.js';
export {
  getBudgetStatus,
  type BudgetStatus,
  type BudgetStatusDeps,
  type BudgetLine,
  type SpendSummary,
  type TopEntry,
  type CallCapLine,
  type ThresholdLevel,
} from './status.js';
export {
  reconcileBudget,
  type ReconcileReport,
  type ReconcileRow,
  type ReconcileChange,
  type LimitMirrorRow,
  type ReconcileDeps,
} from './reconcile.js';
export { foldBudgetLedger } from './fold.js';
