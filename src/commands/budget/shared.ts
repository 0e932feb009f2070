import { note, usageError } from '../../cli-kit/index.js';
import type { Redis } from '../../core/redis/index.js';
import type { CommandContext } from '../context.js';
import { typedValue } from '../../core/mask/index.js';

export const FORMATS = ['table', 'json', 'yaml'] as const;

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** '' counts as no tenant: a runbook passes `--tenant={{tenant}}` with an empty parameter to mean all tenants. */
export function checkTenant(tenant: string | undefined): string | undefined {
  if (tenant === undefined || tenant === '') return undefined;
  if (!TENANT.test(tenant))
    throw usageError(
      `--tenant ${typedValue(tenant)} is not a tenant id.`,
      'Tenant ids are letters, digits, ".", "_", ":" and "-".',
    );
  return tenant;
}

/** Redis when it can be reached; otherwise undefined, said once on stderr (status still reads the ledger). */
export async function optionalRedis(ctx: CommandContext): Promise<Redis | undefined> {
  try {
    return await ctx.systems.redis();
  } catch (error) {
    note(
      ctx.io,
      `warning: ${(error as Error).message} ` +
        'Spend and budgets come from the ledger; freezes and API call counts are unknown.',
    );
    return undefined;
  }
}

export const usd = (n: number) => `$${n.toFixed(2)}`;
export const pct = (n: number) => `${Math.round(n * 100)}%`;

/** USD above 0 in whole cents: $0.0001 is not a budget anyone can mean (exit 2, not a silent $0.00). */
export function parseUsd(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const amount = Number(value.replace(/^\$/, ''));
  if (!Number.isFinite(amount) || amount <= 0 || amount >= 1e10)
    throw usageError(`${flag} ${typedValue(value)} is not an amount of USD above 0.`, `For example: ${flag} 250`);
  const cents = Math.round(amount * 100);
  if (cents < 1)
    throw usageError(`${flag} "${value}" is less than one cent; budgets are whole cents.`, `For example: ${flag} 0.50`);
  if (Math.abs(cents - amount * 100) > 1e-6)
    throw usageError(
      `${flag} "${value}" has fractions of a cent; budgets are whole cents.`,
      `For example: ${flag} ${(cents / 100).toFixed(2)}`,
    );
  return cents / 100;
}
