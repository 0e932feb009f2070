/**
 * pg, while it loads, asks `typeof Response` to tell whether it runs on Cloudflare Workers; on
 * Node 20 (no `navigator`) that global is a lazy getter that compiles all of Node's fetch
 * implementation, which costs a trace more than pg itself. The getter is hidden while the database
 * module (and with it pg) loads, so pg sees "not Cloudflare", which is true, and is then put back
 * untouched: fetch and Response work as before for whoever uses them.
 */
export async function loadDatabaseModule(): Promise<typeof import('../core/db/index.js')> {
  const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  const hide = !('navigator' in globalThis) && response?.get !== undefined && response.configurable === true;
  if (hide) Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    return await import('../core/db/index.js');
  } finally {
    if (hide) Object.defineProperty(globalThis, 'Response', response);
  }
}
