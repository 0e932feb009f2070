/**
 * Imported first by trace-bundle.ts: pg, while it loads, asks `typeof Response` to tell whether it
 * runs on Cloudflare Workers, and on Node 20 (no `navigator`) that global is a lazy getter that
 * compiles all of Node's fetch implementation, more than pg itself costs. The getter is hidden
 * while the bundle loads (pg then sees "not Cloudflare", which is true) and put back untouched by
 * restoreResponse() once it has, so fetch and Response work as before.
 */
const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
const hidden = !('navigator' in globalThis) && response?.get !== undefined && response.configurable === true;
if (hidden) Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });

export function restoreResponse(): void {
  if (hidden && response) Object.defineProperty(globalThis, 'Response', response);
}
