import { z } from 'zod';
import { maskValue } from '../../mask/index.js';
import type { PlanContext } from '../plan-context.js';
import { fill, fillJson, fillUrl } from '../template.js';
import { scalar } from './fields.js';
import { defineStepKind } from './kind.js';
import { timedOutAfter } from './timeout.js';

const BODY_LIMIT = 64_000;
const TRIGGER_API_VERSION = '2025-07-16';

function baseUrl(base: 'api' | 'prometheus' | 'trigger', ctx: PlanContext): string {
  const { config } = ctx;
  const url = base === 'api' ? config.apiBaseUrl : base === 'prometheus' ? config.prometheusUrl : config.trigger?.url;
  if (!url) {
    const key =
      base === 'api'
        ? 'apiBaseUrl (or MEDICALCOR_API_URL)'
        : base === 'prometheus'
          ? 'prometheusUrl (or MEDICALCOR_PROMETHEUS_URL)'
          : 'trigger.url (or MEDICALCOR_TRIGGER_URL)';
    throw new Error(`environment "${config.envName}" has no ${key} configured`);
  }
  return url.replace(/\/+$/, '');
}

/** One HTTP request to the API, Prometheus, Trigger.dev (secret key added) or an absolute URL. */
export const httpKind = defineStepKind({
  kind: 'http',
  schema: z.object({
    kind: z.literal('http'),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
    /** "api" (apiBaseUrl), "prometheus", "trigger" (adds the secret key); absent: url is absolute */
    base: z.enum(['api', 'prometheus', 'trigger']).optional(),
    /** path (or absolute URL); a parameter in it is URL-encoded */
    url: z.string().min(1),
    headers: z.record(z.string(), scalar).default({}),
    body: z.unknown().optional(),
    okStatus: z.array(z.number().int()).optional(),
  }),
  defaultTimeout: '30s',
  dryRun: 'show',
  check: (action) =>
    !action.base && !/^https?:\/\//.test(action.url)
      ? [{ field: 'url', message: 'must be an absolute http(s) URL, or set base: api | prometheus | trigger' }]
      : [],
  render(action, vars, ctx) {
    const path = fillUrl(action.url, vars);
    const url = action.base ? `${baseUrl(action.base, ctx)}${path.startsWith('/') ? '' : '/'}${path}` : path;
    const headers = Object.fromEntries(Object.entries(action.headers).map(([k, v]) => [k, fill(v, vars)]));
    for (const value of Object.values(headers))
      if (/[\r\n]/.test(value)) throw new Error('a header value may not contain a line break');
    if (action.base === 'trigger') {
      if (ctx.config.trigger?.secretKey) headers.authorization = `Bearer ${ctx.config.trigger.secretKey}`;
      headers['x-trigger-api-version'] = TRIGGER_API_VERSION;
    }
    const body = action.body === undefined ? undefined : fillJson(action.body, vars);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return { kind: 'http' as const, method: action.method, url, headers, body, okStatus: action.okStatus };
  },
  describe(r) {
    const headers = Object.entries(r.headers).map(
      ([k, v]) => `${k}: ${k.toLowerCase() === 'authorization' ? v.replace(/\s.*$/, ' ****') : v}`,
    );
    return [`${r.method} ${r.url}`, ...headers, ...(r.body === undefined ? [] : [JSON.stringify(r.body)])].join('\n');
  },
  async run(action, _mutates, _deps, run) {
    // undici costs ~0.1 s to import: only runs with an http step pay for it
    const { request } = await import('undici');
    const timeout = AbortSignal.timeout(run.timeoutMs);
    try {
      const response = await request(action.url, {
        method: action.method,
        headers: action.headers,
        body: action.body === undefined ? undefined : JSON.stringify(action.body),
        signal: AbortSignal.any([run.signal, timeout]),
      });
      const text = await response.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const ok = action.okStatus
        ? action.okStatus.includes(response.statusCode)
        : response.statusCode >= 200 && response.statusCode < 300;
      const shown = text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}\n… [cut]` : text;
      const where = `${new URL(action.url).origin}${new URL(action.url).pathname}`;
      return {
        ok,
        status: response.statusCode,
        output: `HTTP ${response.statusCode}\n${
          json === undefined ? shown : JSON.stringify(maskValue(json), null, 2).slice(0, BODY_LIMIT)
        }`,
        value: json ?? text,
        data: maskValue(json),
        error: ok ? undefined : `HTTP ${response.statusCode} from ${action.method} ${where}`,
      };
    } catch (error) {
      if (run.signal.aborted) return { ok: false, output: '', interrupted: true, error: 'interrupted' };
      if (timeout.aborted) return { ok: false, output: '', timedOut: true, error: timedOutAfter(run.timeoutMs) };
      const e = error as { code?: string; message?: string };
      return {
        ok: false,
        output: '',
        error: `${action.method} ${new URL(action.url).origin}: ${e.code ?? e.message ?? String(error)}`,
      };
    }
  },
});
