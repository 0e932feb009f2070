import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { channel, id, timestamp } from './common.js';

const v1 = z.object({
  subjectId: id,
  consentType: z.enum(['data_processing', 'marketing', 'whatsapp', 'call_recording']),
  granted: z.boolean(),
  channel,
  policyVersion: z.string().min(1).max(20),
  recordedAt: timestamp,
});

export type ConsentRecordedPayload = z.infer<typeof v1>;

export const ConsentRecorded = defineEvent<ConsentRecordedPayload>({
  type: 'ConsentRecorded',
  aggregateType: 'Consent',
  description: 'A patient or lead granted or withdrew a GDPR consent.',
  versions: [{ version: 1, schema: v1 }],
});
