import type { ResolvedConfig } from '../core/config/index.js';
import type { Database } from '../core/db/index.js';
import type { KubernetesClient } from '../core/kubernetes/index.js';
import type { StatusReport } from '../core/migrations/index.js';
import type { Redis } from '../core/redis/index.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  title: string;
  /** a failed required check makes `check` exit 3 */
  required: boolean;
  status: CheckStatus;
  /** what was found, in one line */
  summary: string;
  /** what to do about it, when it is not a pass */
  remedy?: string;
  durationMs?: number;
}

export type CheckOutcome = Pick<CheckResult, 'status' | 'summary' | 'remedy'>;

/** What checks share: the configuration and connections opened once, on first use. */
export interface CheckContext {
  config: ResolvedConfig;
  signal?: AbortSignal;
  now: Date;
  /** the environment's database (or the embedded one); throws DependencyUnavailable when it cannot be opened */
  database(): Promise<Database>;
  /** throws DependencyUnavailable when Redis cannot be reached */
  redis(): Promise<Redis>;
  /** the environment's cluster, built once (the command's factory when run by the CLI) */
  kubernetes(): Promise<KubernetesClient>;
  /** `migrate status` of the database, read once for the migration checks */
  migrationStatus(): Promise<StatusReport>;
  /** where schema-drift keeps its prepared shadow database: defaultCacheDir(env) */
  cacheDir: string;
}

export interface Check {
  id: string;
  title: string;
  required: boolean | ((config: ResolvedConfig) => boolean);
  /** per-check limit; a check that takes longer fails with "timed out" */
  timeoutMs?: number;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** A check cannot run because something it reads is down; it is skipped, and that system's own check fails. */
export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: string,
    message: string,
  ) {
    super(message);
    this.name = 'DependencyUnavailable';
  }
}

export const pass = (summary: string): CheckOutcome => ({ status: 'pass', summary });
export const warn = (summary: string, remedy: string): CheckOutcome => ({ status: 'warn', summary, remedy });
export const fail = (summary: string, remedy: string): CheckOutcome => ({ status: 'fail', summary, remedy });
export const skip = (summary: string, remedy?: string): CheckOutcome => ({ status: 'skip', summary, remedy });
