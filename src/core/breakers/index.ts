export {
  BreakerStore,
  type BreakerAgreement,
  type BreakerListEntry,
  type InstanceHeartbeat,
  type TransitionRecord,
} from './store.js';
export {
  SharedBreakers,
  CircuitBreaker,
  BreakerOpenError,
  type BreakerOptions,
  type SharedBreakersOptions,
} from './shared.js';
export {
  DEFAULT_THRESHOLDS,
  summarizeError,
  type BreakerState,
  type BreakerThresholds,
  type BreakerView,
  type ForcedOpen,
} from './view.js';
export { breakerKeys, isBreakerName, type BreakerKeys } from './keys.js';
