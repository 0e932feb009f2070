import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { id, timestamp } from './common.js';

const v1 = z.object({
  appointmentId: id,
  leadId: id,
  practitionerId: id,
  startsAt: timestamp,
  durationMinutes: z.int().min(5).max(480),
  procedure: z.string().max(100).optional(),
  clinicId: id.optional(),
});

export type AppointmentScheduledPayload = z.infer<typeof v1>;

export const AppointmentScheduled = defineEvent<AppointmentScheduledPayload>({
  type: 'AppointmentScheduled',
  aggregateType: 'Appointment',
  description: 'A consultation or procedure was booked.',
  versions: [{ version: 1, schema: v1 }],
});
