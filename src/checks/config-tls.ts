import { maskUrl } from '../core/redact.js';
import { fail, pass, skip, type Check } from './types.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Why a URL goes over the network unencrypted, or undefined when it does not. */
export function plaintextReason(kind: 'postgres' | 'redis' | 'http', raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  // a loopback address is a sidecar or tunnel (cloud-sql-proxy, stunnel) that does the TLS
  if (LOOPBACK.has(url.hostname)) return undefined;
  if (kind === 'postgres') {
    const mode = url.searchParams.get('sslmode');
    const ssl = url.searchParams.get('ssl');
    if (mode && ['require', 'verify-ca', 'verify-full'].includes(mode)) return undefined;
    if (!mode && (ssl === 'true' || ssl === '1')) return undefined;
    return mode ? `sslmode=${mode}` : 'no sslmode=require (or verify-full)';
  }
  if (kind === 'redis') return url.protocol === 'rediss:' ? undefined : `${url.protocol}// instead of rediss://`;
  return url.protocol === 'https:' ? undefined : `${url.protocol}// instead of https://`;
}

export const configTlsCheck: Check = {
  id: 'config-tls',
  title: 'TLS on every production connection',
  required: true,
  async run(ctx) {
    const c = ctx.config;
    if (!c.production) return skip(`"${c.envName}" is not a production environment`);
    const urls: [string, 'postgres' | 'redis' | 'http', string | undefined][] = [
      ['database', 'postgres', c.databaseUrl],
      ['redis', 'redis', c.redisUrl],
      ['prometheus', 'http', c.prometheusUrl],
      ['api', 'http', c.apiBaseUrl],
      ['trigger', 'http', c.trigger?.url],
    ];
    const plain = urls.flatMap(([name, kind, url]) => {
      const reason = url ? plaintextReason(kind, url) : undefined;
      return reason ? [`${name} ${maskUrl(url!)} (${reason})`] : [];
    });
    if (plain.length)
      return fail(
        `without TLS: ${plain.join('; ')}`,
        'Use sslmode=verify-full for PostgreSQL, rediss:// for Redis and https:// for HTTP services on production.',
      );
    return pass(`${urls.filter(([, , u]) => u).length} connections use TLS`);
  },
};
