import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { id, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  reason: z.enum(['price', 'no_response', 'competitor', 'not_eligible', 'duplicate', 'other']),
  notes: z.string().max(1000).optional(),
  lostAt: timestamp,
});

export type LeadLostPayload = z.infer<typeof v1>;

export const LeadLost = defineEvent<LeadLostPayload>({
  type: 'LeadLost',
  aggregateType: 'Lead',
  description: 'A lead was closed without converting.',
  versions: [{ version: 1, schema: v1 }],
});
