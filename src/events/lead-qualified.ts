import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { classification, id, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  classification,
  qualifiedBy: z.enum(['ai', 'agent']),
  reason: z.string().max(500).optional(),
  qualifiedAt: timestamp,
});

export type LeadQualifiedPayload = z.infer<typeof v1>;

export const LeadQualified = defineEvent<LeadQualifiedPayload>({
  type: 'LeadQualified',
  aggregateType: 'Lead',
  description: 'A lead was qualified for a consultation, by the AI or an agent.',
  versions: [{ version: 1, schema: v1 }],
});
