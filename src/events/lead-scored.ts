import { z } from 'zod';
import { defineEvent } from '../core/events/registry.js';
import { classification, id, timestamp } from './common.js';

const v1 = z.object({
  leadId: id,
  score: z.int().min(0).max(100),
  model: z.string().min(1).max(100),
  scoredAt: timestamp,
});

/** v2 adds the classification and the model's confidence (v1 events get both from the score). */
const v2 = z.object({
  leadId: id,
  score: z.int().min(0).max(100),
  classification,
  confidence: z.number().min(0).max(1),
  model: z.string().min(1).max(100),
  reasoning: z.string().max(2000).optional(),
  scoredAt: timestamp,
});

export type LeadScoredPayload = z.infer<typeof v2>;

/** The platform's thresholds: 80+ is hot, 50+ warm, 20+ cold. */
export function classifyScore(score: number): LeadScoredPayload['classification'] {
  if (score >= 80) return 'HOT';
  if (score >= 50) return 'WARM';
  if (score >= 20) return 'COLD';
  return 'UNQUALIFIED';
}

export const LeadScored = defineEvent<LeadScoredPayload>({
  type: 'LeadScored',
  aggregateType: 'Lead',
  description: 'The AI scoring of a lead (0..100) with its classification.',
  versions: [
    {
      version: 1,
      schema: v1,
      upcast: (p: z.infer<typeof v1>): LeadScoredPayload => ({
        ...p,
        classification: classifyScore(p.score),
        confidence: 0.5,
      }),
    },
    { version: 2, schema: v2 },
  ],
});
