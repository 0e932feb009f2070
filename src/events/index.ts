/**
 * The platform's registered event types, one file each. Services import the definitions (and
 * their payload types) from here through medicalcor/core; `platformEvents` is the registry the
 * CLI checks stored events against.
 */
import { EventRegistry } from '../core/events/registry.js';
import { AppointmentScheduled } from './appointment-scheduled.js';
import { ConsentRecorded } from './consent-recorded.js';
import { LeadAssigned } from './lead-assigned.js';
import { LeadConverted } from './lead-converted.js';
import { LeadCreated } from './lead-created.js';
import { LeadLost } from './lead-lost.js';
import { LeadQualified } from './lead-qualified.js';
import { LeadScored } from './lead-scored.js';
import { MessageSent } from './message-sent.js';

export { AppointmentScheduled, type AppointmentScheduledPayload } from './appointment-scheduled.js';
export { ConsentRecorded, type ConsentRecordedPayload } from './consent-recorded.js';
export { LeadAssigned, type LeadAssignedPayload } from './lead-assigned.js';
export { LeadConverted, type LeadConvertedPayload } from './lead-converted.js';
export { LeadCreated, type LeadCreatedPayload } from './lead-created.js';
export { LeadLost, type LeadLostPayload } from './lead-lost.js';
export { LeadQualified, type LeadQualifiedPayload } from './lead-qualified.js';
export { LeadScored, classifyScore, type LeadScoredPayload } from './lead-scored.js';
export { MessageSent, type MessageSentPayload } from './message-sent.js';

export const platformEventDefinitions = [
  LeadCreated,
  LeadScored,
  LeadQualified,
  LeadAssigned,
  LeadConverted,
  LeadLost,
  ConsentRecorded,
  AppointmentScheduled,
  MessageSent,
];

/** A fresh registry of the platform's event types. */
export function platformEvents(): EventRegistry {
  return new EventRegistry(platformEventDefinitions);
}
