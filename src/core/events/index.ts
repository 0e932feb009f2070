export {
  defineEvent,
  EventRegistry,
  type EventDefinition,
  type EventVersion,
  type VersionCoverage,
} from './registry.js';
export { describeRegistry, type EventTypeSummary } from './schemas.js';
export {
  checkStoredEvents,
  type InvalidEvent,
  type StoredEventCheckOptions,
  type StoredEventCheckReport,
  type TypeVersionReport,
  type VersionStatus,
} from './check.js';
export { copyEventRows, type EventRowSink } from './copy-rows.js';
export { PayloadChecker } from './payload-check.js';
export { registryFromJson, registryToJson, registryFileSchema, type RegistryFile } from './registry-json.js';
export { loadRegistryFile } from './registry-file.js';
export * from '../../events/index.js';
export { recordOperatorAction, type OperatorAction, type OperatorContext } from './operations-log.js';
