import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { id, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  practitionerId: id,
  assignedBy: z.string().min(1).max(100),
  reason: z.enum(['round_robin', 'specialty', 'language', 'manual']).optional(),
  assignedAt: timestamp,
});

export type LeadAssignedPayload = z.infer<typeof v1>;

export const LeadAssigned = defineEvent<LeadAssignedPayload>({
  type: 'LeadAssigned',
  aggregateType: 'Lead',
  description: 'A lead was given to a practitioner or agent.',
  versions: [{ version: 1, schema: v1 }],
});
