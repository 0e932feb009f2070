import type { ResolvedConfig } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { KubernetesClient } from '../../kubernetes/index.js';
import type { Redis } from '../../redis/index.js';

/** What a step produced: text for people, and value/rows/status for `expect`. */
export interface ActionResult {
  ok: boolean;
  output: string;
  exitCode?: number | null;
  status?: number;
  /** rows returned, or changed by a mutating statement */
  rows?: number;
  /** what `expect.value` looks at: first cell, Redis reply, parsed JSON body, ready pods */
  value?: unknown;
  /** structured result for -o json (rows, pods, breakers …) */
  data?: unknown;
  error?: string;
  interrupted?: boolean;
  timedOut?: boolean;
  /** how to undo this exact change when the step has no explicit rollback (scale back to N): a rendered action */
  undo?: { kind: string };
}

export interface CheckOutcome {
  status: 'pass' | 'warn' | 'fail' | 'skip';
  message: string;
}

/** A breaker store as src/core/breakers provides it (kept structural so the engine does not load it eagerly). */
export interface BreakerControl {
  list(): Promise<unknown[]>;
  forceOpen(name: string, options: { forMs: number; reason: string; actor: string }): Promise<unknown>;
  reset(name: string, options: { actor: string }): Promise<unknown>;
}

/** The systems a step may touch, each opened on first use and passed in (tests point them at local services). */
export interface StepDeps {
  config: ResolvedConfig;
  /** environment of child processes */
  env: NodeJS.ProcessEnv;
  /** working directory of child processes (a step's cwd is relative to it) */
  cwd: string;
  actor: string;
  database(): Promise<Database>;
  redis(): Promise<Redis>;
  kubernetes(): Promise<KubernetesClient>;
  breakers(): Promise<BreakerControl>;
  runCheck(id: string, signal: AbortSignal): Promise<CheckOutcome>;
  /** asks the operator to confirm a manual instruction */
  acknowledge(instruction: string): Promise<'acknowledged' | 'declined' | 'no-terminal' | 'auto'>;
  /** extra environment for `medicalcor …` children so they reach the same environment and database */
  medicalcorEnv(): Record<string, string>;
  medicalcorArgv: string[];
}

export interface ActionRun {
  signal: AbortSignal;
  timeoutMs: number;
  /** a dry run: a mutating SQL statement runs in a transaction that is rolled back, a wait reads once */
  dryRun: boolean;
}
