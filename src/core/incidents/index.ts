export * from './types.js';
export { parseIncidentId } from './ids.js';
export {
  addNote,
  appendEntry,
  assignCommander,
  changeStatus,
  checkSeverity,
  checkStatus,
  getIncident,
  listIncidents,
  openIncident,
  timelineOf,
  type IncidentFilter,
  type NewIncident,
  type StatusChange,
} from './store.js';
export {
  describeOutcome,
  groupFingerprint,
  incidentFromAlert,
  severityOfLabels,
  type IncidentAlertOutcome,
} from './alerts.js';
export { meanResponseTimes, responseTimes, type ResponseTimes } from './metrics.js';
export { recordIncidentAction, type ActionRecord } from './record.js';
export { buildPostmortem, type Postmortem } from './postmortem.js';
