import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { id, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  patientId: id,
  treatmentPlanId: id.optional(),
  valueEur: z.number().nonnegative().optional(),
  convertedAt: timestamp,
});

export type LeadConvertedPayload = z.infer<typeof v1>;

export const LeadConverted = defineEvent<LeadConvertedPayload>({
  type: 'LeadConverted',
  aggregateType: 'Lead',
  description: 'A lead became a patient (accepted a treatment plan).',
  versions: [{ version: 1, schema: v1 }],
});
