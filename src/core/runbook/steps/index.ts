import type { RenderedAction } from '../plan.js';
import { unmet } from './expect.js';
import { runK8s } from './k8s.js';
import { plainTable } from './plain-table.js';
import { sleep, stepFailure, withTimeout } from './timeout.js';
import { runRedis } from './redis.js';
import { runSql } from './sql.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

export * from './types.js';
export { unmet } from './expect.js';
export { sleep } from './timeout.js';

async function runBreaker(action: Extract<RenderedAction, { kind: 'breaker' }>, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  try {
    const store = await deps.breakers();
    if (action.action === 'list') {
      const breakers = (await withTimeout(store.list(), run)) as { name?: string; state?: string; failures?: number }[];
      const open = breakers.filter((b) => b.state && b.state !== 'closed');
      const columns = [{ header: 'BREAKER', value: (b: (typeof breakers)[number]) => b.name }, { header: 'STATE', value: (b: (typeof breakers)[number]) => b.state },
        { header: 'FAILURES', value: (b: (typeof breakers)[number]) => b.failures }];
      const table = breakers.length ? plainTable(breakers, columns) : '(no breakers)';
      return { ok: true, output: `${table}\n(${open.length} not closed)`, rows: breakers.length, value: open.length, data: breakers };
    }
    if (action.action === 'open') {
      const forMs = action.forMs ?? 600_000;
      await withTimeout(store.forceOpen(action.name!, { forMs, reason: action.reason ?? 'runbook', actor: deps.actor }), run);
      return { ok: true, output: `breaker ${action.name} forced open for ${Math.round(forMs / 1000)}s`, undo: { kind: 'breaker', action: 'reset', name: action.name } };
    }
    await withTimeout(store.reset(action.name!, { actor: deps.actor }), run);
    return { ok: true, output: `breaker ${action.name} reset (closed)` };
  } catch (error) {
    return stepFailure(`breaker ${action.action}: `, error);
  }
}

async function runCheck(action: Extract<RenderedAction, { kind: 'check' }>, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  try {
    const outcome = await withTimeout(deps.runCheck(action.check, run.signal), run);
    const ok = outcome.status !== 'fail';
    return { ok, output: `${outcome.status}: ${outcome.message}`, value: outcome.status, data: outcome, error: ok ? undefined : `check ${action.check} failed: ${outcome.message}` };
  } catch (error) {
    return stepFailure(`check ${action.check}: `, error);
  }
}

/** Ctrl-C at a prompt (inquirer's ExitPromptError / AbortPromptError) is an interruption, not a failure. */
function isPromptInterrupt(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'AbortError';
}

async function runManual(action: Extract<RenderedAction, { kind: 'manual' }>, deps: StepDeps): Promise<ActionResult> {
  let answer: Awaited<ReturnType<StepDeps['acknowledge']>>;
  try {
    answer = await deps.acknowledge(action.instruction);
  } catch (error) {
    if (isPromptInterrupt(error)) return { ok: false, output: '', interrupted: true, error: 'interrupted at the prompt' };
    throw error;
  }
  switch (answer) {
    case 'acknowledged':
      return { ok: true, output: `acknowledged by ${deps.actor}` };
    case 'auto':
      return { ok: true, output: `acknowledged unattended by ${deps.actor}; nobody was asked` };
    case 'declined':
      return { ok: false, output: '', error: 'the operator did not acknowledge the instruction' };
    case 'no-terminal':
      return { ok: false, output: '', error: 'a manual step needs an operator: run it on a terminal, or acknowledge manual steps unattended' };
  }
}

/**
 * Polls the probe until its expectation holds or the step's timeout passes. `once` (dry runs)
 * reads the condition a single time and reports it, without waiting for changes nobody made.
 */
async function runWait(action: Extract<RenderedAction, { kind: 'wait' }>, deps: StepDeps, run: ActionRun, once: boolean): Promise<ActionResult> {
  const deadline = Date.now() + run.timeoutMs;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const remaining = Math.max(1, deadline - Date.now());
    const result = await runAction(action.until, false, deps, { ...run, timeoutMs: Math.min(remaining, 30_000) });
    if (result.interrupted || run.signal.aborted) return { ...result, ok: false, interrupted: true, error: 'interrupted' };
    const why = unmet(action.until.expect, result);
    if (!why) return { ...result, ok: true, error: undefined, output: `${result.output}\ncondition holds (after ${attempts} check${attempts === 1 ? '' : 's'})` };
    const probeFailed = !result.ok && action.until.expect.exitCode === undefined && action.until.expect.status === undefined;
    if (once && probeFailed) return { ...result, ok: false, error: `cannot read the condition: ${result.error}` };
    if (once) return { ...result, ok: true, error: undefined, output: `${result.output}\ncondition does not hold yet: ${why} (a real run waits up to ${run.timeoutMs / 1000}s)` };
    if (Date.now() + action.intervalMs > deadline) {
      return { ...result, ok: false, timedOut: true, error: `condition still not met after ${Math.round(run.timeoutMs / 1000)}s (${attempts} checks): ${why}` };
    }
    await sleep(action.intervalMs, run.signal);
  }
}

/** Runs one rendered action against its system. Never throws for a failure of the step itself. */
export async function runAction(action: RenderedAction, mutates: boolean, deps: StepDeps, run: ActionRun & { waitOnce?: boolean }): Promise<ActionResult> {
  switch (action.kind) {
    // execa and undici cost ~0.2 s to import: only runs that use them pay for it
    case 'shell':
      return (await import('./shell.js')).runShell(action, deps, run);
    case 'sql':
      return runSql(action, mutates, deps, run);
    case 'http':
      return (await import('./http.js')).runHttp(action, run);
    case 'k8s':
      return runK8s(action, deps, run);
    case 'redis':
      return runRedis(action, deps, run);
    case 'breaker':
      return runBreaker(action, deps, run);
    case 'check':
      return runCheck(action, deps, run);
    case 'manual':
      return runManual(action, deps);
    case 'wait':
      return runWait(action, deps, run, Boolean(run.waitOnce));
  }
}
