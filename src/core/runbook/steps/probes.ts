import { z } from 'zod';
import { breakerKind } from './breaker.js';
import { checkKind } from './check.js';
import { httpKind } from './http.js';
import { k8sKind } from './k8s.js';
import type { RenderedOf } from './kind.js';
import type { Expectation } from './fields.js';
import { redisKind } from './redis.js';
import { shellKind } from './shell.js';
import { sqlKind } from './sql.js';

/**
 * The step kinds that read state and can say whether it holds: they serve as a step's `verify`
 * and as the condition of `wait`. (Registry, part 1 of 2: a new kind that can be a probe is
 * listed here; one that cannot goes in OTHER_KINDS in index.ts.)
 */
export const PROBE_KINDS = [shellKind, sqlKind, httpKind, k8sKind, redisKind, breakerKind, checkKind] as const;

/** zod needs a non-empty tuple for a union; the registry lists are never empty. */
export function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('a step kind list is empty');
  return [first, ...rest];
}

export const probeSchema = z.discriminatedUnion('kind', nonEmpty(PROBE_KINDS.map((k) => k.probe)));
export type ProbeAction = z.infer<typeof probeSchema>;
export type RenderedProbe = RenderedOf<(typeof PROBE_KINDS)[number]> & { expect: Expectation };
