/**
 * Runs a synchronous module load with the global `Response` hidden. pg 8, on load, checks
 * `navigator.userAgent` and, when there is no `navigator` (Node 20), builds a `Response` to see
 * whether it runs in a Cloudflare Worker; on Node the first `Response` compiles Node's whole fetch
 * implementation (undici): about 15 ms of CPU on every command that opens a database, for an answer
 * that is always "no". The lazy global is put back untouched, so fetch and Response work as before.
 */
export function withoutResponse<T>(load: () => T): T {
  const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  if (!response?.configurable) return load();
  Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    return load();
  } finally {
    Object.defineProperty(globalThis, 'Response', response);
  }
}
