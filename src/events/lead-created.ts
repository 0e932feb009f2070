import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { channel, id, phone, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  phone,
  name: z.string().max(200).optional(),
  source: channel,
  createdAt: timestamp,
});

/** v2 groups the contact details and records the campaign the lead came from. */
const v2 = z.object({
  leadId: id,
  contact: z.object({ phone, email: z.email().optional(), name: z.string().max(200).optional() }),
  source: channel,
  campaign: z
    .object({ utmSource: z.string().max(100).optional(), utmCampaign: z.string().max(100).optional() })
    .optional(),
  language: z.string().min(2).max(10).optional(),
  createdAt: timestamp,
});

export type LeadCreatedPayload = z.infer<typeof v2>;

export const LeadCreated = defineEvent<LeadCreatedPayload>({
  type: 'LeadCreated',
  aggregateType: 'Lead',
  description: 'A new lead reached the clinic (WhatsApp, call, web form).',
  versions: [
    {
      version: 1,
      schema: v1,
      upcast: (p: z.infer<typeof v1>): LeadCreatedPayload => ({
        leadId: p.leadId,
        contact: { phone: p.phone, ...(p.name === undefined ? {} : { name: p.name }) },
        source: p.source,
        createdAt: p.createdAt,
      }),
    },
    { version: 2, schema: v2 },
  ],
});
