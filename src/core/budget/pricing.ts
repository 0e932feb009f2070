import { invalidInput } from '../errors.js';

/**
 * List prices in USD per million tokens, as published by each provider on the date below. Prices
 * change: when they do, update the table and the date together (the CLI shows the date next to
 * every cost so a stale table is noticed).
 *
 * Sources: openai.com/api/pricing, anthropic.com/pricing (cached = prompt-cache read),
 * ai.google.dev/gemini-api/docs/pricing (prompts up to 128k/200k tokens; cached = context cache).
 */
export const PRICE_TABLE_DATE = '2025-06-01';

export interface ModelPrice {
  provider: 'openai' | 'anthropic' | 'google';
  model: string;
  /** USD per million input tokens not served from cache */
  inputPerMillion: number;
  /** USD per million input tokens served from the provider's prompt cache */
  cachedInputPerMillion: number;
  outputPerMillion: number;
}

export const PRICE_TABLE: readonly ModelPrice[] = [
  { provider: 'openai', model: 'gpt-4o', inputPerMillion: 2.5, cachedInputPerMillion: 1.25, outputPerMillion: 10 },
  {
    provider: 'openai',
    model: 'gpt-4o-mini',
    inputPerMillion: 0.15,
    cachedInputPerMillion: 0.075,
    outputPerMillion: 0.6,
  },
  { provider: 'openai', model: 'gpt-4.1', inputPerMillion: 2, cachedInputPerMillion: 0.5, outputPerMillion: 8 },
  {
    provider: 'openai',
    model: 'gpt-4.1-mini',
    inputPerMillion: 0.4,
    cachedInputPerMillion: 0.1,
    outputPerMillion: 1.6,
  },
  {
    provider: 'openai',
    model: 'text-embedding-3-small',
    inputPerMillion: 0.02,
    cachedInputPerMillion: 0.02,
    outputPerMillion: 0,
  },
  {
    provider: 'openai',
    model: 'text-embedding-3-large',
    inputPerMillion: 0.13,
    cachedInputPerMillion: 0.13,
    outputPerMillion: 0,
  },
  {
    provider: 'anthropic',
    model: 'claude-opus-4',
    inputPerMillion: 15,
    cachedInputPerMillion: 1.5,
    outputPerMillion: 75,
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4',
    inputPerMillion: 3,
    cachedInputPerMillion: 0.3,
    outputPerMillion: 15,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-7-sonnet',
    inputPerMillion: 3,
    cachedInputPerMillion: 0.3,
    outputPerMillion: 15,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-sonnet',
    inputPerMillion: 3,
    cachedInputPerMillion: 0.3,
    outputPerMillion: 15,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-5-haiku',
    inputPerMillion: 0.8,
    cachedInputPerMillion: 0.08,
    outputPerMillion: 4,
  },
  {
    provider: 'anthropic',
    model: 'claude-3-haiku',
    inputPerMillion: 0.25,
    cachedInputPerMillion: 0.03,
    outputPerMillion: 1.25,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-pro',
    inputPerMillion: 1.25,
    cachedInputPerMillion: 0.31,
    outputPerMillion: 10,
  },
  {
    provider: 'google',
    model: 'gemini-2.5-flash',
    inputPerMillion: 0.3,
    cachedInputPerMillion: 0.075,
    outputPerMillion: 2.5,
  },
  {
    provider: 'google',
    model: 'gemini-2.0-flash',
    inputPerMillion: 0.1,
    cachedInputPerMillion: 0.025,
    outputPerMillion: 0.4,
  },
  {
    provider: 'google',
    model: 'gemini-1.5-pro',
    inputPerMillion: 1.25,
    cachedInputPerMillion: 0.3125,
    outputPerMillion: 5,
  },
  {
    provider: 'google',
    model: 'gemini-1.5-flash',
    inputPerMillion: 0.075,
    cachedInputPerMillion: 0.01875,
    outputPerMillion: 0.3,
  },
];

// Longest first, so "gpt-4o-mini-2024-07-18" matches gpt-4o-mini and not gpt-4o.
const BY_LENGTH = [...PRICE_TABLE].sort((a, b) => b.model.length - a.model.length);

/**
 * The price of a model, matching dated snapshots ("gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022")
 * to their family.
 */
export function priceOf(model: string): ModelPrice | undefined {
  const name = model.toLowerCase().replace(/^models\//, '');
  return BY_LENGTH.find((p) => name === p.model || name.startsWith(`${p.model}-`) || name.startsWith(`${p.model}@`));
}

export interface TokenUsage {
  /** all prompt tokens, including the cached ones (the providers' usage objects count them this way) */
  inputTokens: number;
  /** of inputTokens, how many were read from the prompt cache */
  cachedTokens?: number;
  outputTokens: number;
}

export interface Cost {
  /** whole micro-dollars: what the Redis counters add and the ledger's numeric(12,6) holds exactly */
  microUsd: number;
  usd: number;
  /** false when the model is not in the table and an explicit fallback price was charged */
  listed: boolean;
  price: ModelPrice;
}

/**
 * The cost of one call. A model missing from the table has no price: it is refused, unless the
 * caller names a listed model to price it as (`fallbackModel`), and then `listed` is false so the
 * caller can warn. Never a silent guess: a budget must not be under-counted because the table
 * lags a new model.
 */
export function costOf(provider: string, model: string, usage: TokenUsage, fallbackModel?: string): Cost {
  const listed = priceOf(model);
  const price = listed ?? (fallbackModel ? priceOf(fallbackModel) : undefined);
  if (!price) {
    throw invalidInput(
      `Model "${model}" (${provider}) is not in the price table of ${PRICE_TABLE_DATE}` +
        `${fallbackModel ? `, nor is the fallback "${fallbackModel}"` : ''}.`,
      {
        code: 'budget-unknown-model',
        facts: { provider, model, fallbackModel: fallbackModel ?? null },
        remedy: 'Add the model to the price table, or name a listed model to price unknown models as.',
      },
    );
  }
  const cached = Math.min(Math.max(usage.cachedTokens ?? 0, 0), usage.inputTokens);
  const micro =
    (usage.inputTokens - cached) * price.inputPerMillion +
    cached * price.cachedInputPerMillion +
    usage.outputTokens * price.outputPerMillion;
  const microUsd = Math.round(micro);
  return { microUsd, usd: microUsd / 1e6, listed: listed !== undefined, price };
}
