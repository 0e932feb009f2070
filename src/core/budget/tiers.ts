/** Monthly token allowance per user plan (input + output tokens). */
export const USER_TIERS = {
  free: 10_000,
  basic: 100_000,
  pro: 1_000_000,
  enterprise: 10_000_000,
  unlimited: Number.POSITIVE_INFINITY,
} as const;

export type UserTier = keyof typeof USER_TIERS;

export function isUserTier(value: string): value is UserTier {
  return Object.hasOwn(USER_TIERS, value);
}

/** Paid external APIs with a call cap per UTC day and month. */
export const CALL_CAPS = {
  google_places: { daily: 150, monthly: 4_500 },
} as const;

export type CappedApi = keyof typeof CALL_CAPS;
