/** Bounds a call that takes no AbortSignal: rejects on timeout or abort (the call itself is left to finish). */
export function withTimeout<T>(work: Promise<T>, run: { timeoutMs: number; signal: AbortSignal }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${run.timeoutMs / 1000}s`), { timedOut: true })), run.timeoutMs);
    const onAbort = () => reject(Object.assign(new Error('interrupted'), { interrupted: true }));
    run.signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      run.signal.removeEventListener('abort', onAbort);
    });
  });
}
