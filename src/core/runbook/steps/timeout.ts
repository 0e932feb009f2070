import type { ActionResult } from './types.js';

/** One wording for a step that ran out of time, whatever its kind. */
export function timedOutAfter(timeoutMs: number): string {
  return `timed out after ${timeoutMs / 1000}s`;
}

/** Bounds a call that takes no AbortSignal: rejects on timeout or abort (the call itself is left to finish). */
export function withTimeout<T>(work: Promise<T>, run: { timeoutMs: number; signal: AbortSignal }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(timedOutAfter(run.timeoutMs)), { timedOut: true })),
      run.timeoutMs,
    );
    const onAbort = () => reject(Object.assign(new Error('interrupted'), { interrupted: true }));
    run.signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * The failed result of a step whose call threw, a timeout or Ctrl-C from withTimeout included; `prefix` names the call.
 */
export function stepFailure(prefix: string, error: unknown): ActionResult {
  const e = error as { message?: string; remedy?: string; interrupted?: boolean; timedOut?: boolean };
  const remedy = e.remedy ? ` ${e.remedy}` : '';
  return {
    ok: false,
    output: '',
    error: `${prefix}${e.message ?? String(error)}${remedy}`,
    interrupted: e.interrupted,
    timedOut: e.timedOut,
  };
}

/** Waits `ms`, or less when the signal aborts; never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
