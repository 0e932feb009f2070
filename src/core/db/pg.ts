import { createRequire } from 'node:module';
import type PgModule from 'pg';
import { withoutResponse } from './without-response.js';

// pg, loaded without its Cloudflare Workers probe (without-response.ts). The trace bundle swaps this
// file for a bundled require of pg through the same helper (src/commands/trace-bundle-plugins.ts).
const require = createRequire(import.meta.url);
export const { Pool, Client } = withoutResponse((): typeof PgModule => require('pg'));
