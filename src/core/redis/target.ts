import { invalidInput } from '../errors.js';

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; password?: string; username?: string; tls: boolean }
  | {
      kind: 'sentinel';
      sentinels: { host: string; port: number }[];
      masterName: string;
      password?: string;
      username?: string;
      db: number;
    };

const SCHEMES = ['redis:', 'rediss:', 'redis+cluster:', 'rediss+cluster:', 'redis+sentinel:'];

function hostPorts(list: string, url: string): { host: string; port: number }[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(item);
      if (!match)
        throw invalidInput(`Redis URL names "${item}", which is not host:port.`, {
          code: 'redis-bad-url',
          facts: { url },
        });
      return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2] ?? 6379) };
    });
}

/**
 * Reads a Redis URL: `redis://h:p/db` (one node), `redis+cluster://h:p,h:p` (a Cluster, seeded by
 * any of its nodes) or `redis+sentinel://h:p,h:p/mastername[/db]` (Sentinel finds the master). A
 * comma-separated list of `redis://` URLs is a Cluster too.
 */
export function parseRedisTarget(url: string): RedisTarget {
  const list = url.split(/\s*,\s*(?=rediss?:\/\/)/);
  if (list.length > 1) {
    const nodes = list.flatMap((u) => (parseRedisTarget(u).kind === 'single' ? hostPorts(new URL(u).host, url) : []));
    return { kind: 'cluster', nodes, tls: url.startsWith('rediss:') };
  }
  const scheme = /^[a-z+]+:/i.exec(url)?.[0]?.toLowerCase();
  if (!scheme || !SCHEMES.includes(scheme)) {
    throw invalidInput(`"${url.replace(/:[^:@/]*@/, ':***@')}" is not a Redis URL.`, {
      code: 'redis-bad-url',
      remedy:
        'Write it as redis://host:port, redis+cluster://host:port,host:port or redis+sentinel://host:port/master.',
    });
  }
  if (scheme === 'redis:' || scheme === 'rediss:') return { kind: 'single', url };
  // host lists are not valid URL hosts: take the authority apart by hand
  const rest = url.slice(scheme.length).replace(/^\/\//, '');
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const at = authority.lastIndexOf('@');
  const credentials = at === -1 ? '' : authority.slice(0, at);
  const hosts = hostPorts(at === -1 ? authority : authority.slice(at + 1), url);
  const [user, pass] = credentials ? credentials.split(':').map(decodeURIComponent) : [];
  const username = pass === undefined ? undefined : user || undefined;
  const password = pass ?? (user || undefined);
  if (hosts.length === 0) throw invalidInput(`Redis URL "${scheme}//…" names no host.`, { code: 'redis-bad-url' });
  if (scheme === 'redis+sentinel:') {
    const [masterName, db] = path.split('/');
    if (!masterName) {
      throw invalidInput(
        'A redis+sentinel:// URL must name the master: redis+sentinel://host:port,host:port/mymaster.',
        {
          code: 'redis-bad-url',
        },
      );
    }
    return { kind: 'sentinel', sentinels: hosts, masterName, password, username, db: Number(db ?? 0) || 0 };
  }
  return { kind: 'cluster', nodes: hosts, password, username, tls: scheme.startsWith('rediss') };
}
