import { relative } from 'node:path';
import type { ResolvedConfig } from '../core/config/index.js';
import { fail, type CheckOutcome } from './types.js';

/** The first line of an error's message: a check's result is one line. */
export const firstLine = (error: unknown) => ((error as Error)?.message ?? String(error)).split('\n')[0]!;

/** A reachability probe: what `run` finds, or a failure with the error's message and what to do about it. */
export async function probe(remedy: string, run: () => Promise<CheckOutcome>): Promise<CheckOutcome> {
  try {
    return await run();
  } catch (error) {
    return fail((error as Error).message, remedy);
  }
}

export function describeEmbedded(config: ResolvedConfig): string {
  const where = relative(config.projectDir, config.embeddedDataDir) || config.embeddedDataDir;
  return `embedded database (${where}), PostgreSQL`;
}

/** "3 rows" / "1 row" */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function ago(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5_400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
