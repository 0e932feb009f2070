import { createRequire } from 'node:module';
import type PgModule from 'pg';

/**
 * The pg module, loaded without its Cloudflare Workers probe: on import, pg 8 checks
 * `navigator.userAgent` and, when there is no `navigator` (Node 20), builds a `Response` to see
 * whether it runs in a Worker. On Node the first `Response` compiles Node's whole fetch
 * implementation (undici): about 15 ms of CPU on every command that opens a database, for an
 * answer that is always "no". `Response` is hidden for that one synchronous require only, and its
 * lazy global is put back untouched, so fetch and Response work as before afterwards.
 */
function loadPg(): typeof PgModule {
  const require = createRequire(import.meta.url);
  const response = Object.getOwnPropertyDescriptor(globalThis, 'Response');
  if (!response?.configurable) return require('pg');
  Object.defineProperty(globalThis, 'Response', { value: undefined, configurable: true, writable: true });
  try {
    return require('pg');
  } finally {
    Object.defineProperty(globalThis, 'Response', response);
  }
}

export const { Pool, Client } = loadPg();
