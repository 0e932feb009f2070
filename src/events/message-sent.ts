import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { id, timestamp } from './common.js';

const v1 = z.object({
  messageId: id,
  leadId: id,
  channel: z.enum(['whatsapp', 'sms', 'email']),
  templateId: z.string().max(100).optional(),
  status: z.enum(['queued', 'sent', 'delivered', 'read', 'failed']),
  sentAt: timestamp,
});

export type MessageSentPayload = z.infer<typeof v1>;

export const MessageSent = defineEvent<MessageSentPayload>({
  type: 'MessageSent',
  aggregateType: 'Lead',
  description: 'An outbound message (WhatsApp template, SMS, e-mail) to a lead.',
  versions: [{ version: 1, schema: v1 }],
});
