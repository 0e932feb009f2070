export {
  ProjectionHealthMonitor,
  PROJECTION_STALE_AFTER_SECONDS,
  type ProjectionHealth,
  type ProjectionState,
  type ProjectionStatus,
} from './health.js';
export {
  pauseProjection,
  rebuildProjection,
  resumeProjection,
  rewindProjection,
  waitUntilCaughtUp,
  type ProjectionChange,
  type RewindTarget,
  type WaitOptions,
} from './control.js';
