import { request } from 'undici';
import { z } from 'zod';
import { maskUrl } from '../redact.js';

/**
 * The Prometheus HTTP API (v1), read-only: instant and range queries. Every response is
 * validated; an unreachable server and a rejected query are told apart because the first means
 * "partial result" (exit 4) and the second means the catalogue holds a bad query.
 */

const sampleValue = z.tuple([z.number(), z.string()]);
const vectorResult = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: sampleValue })),
});
const scalarResult = z.object({ resultType: z.literal('scalar'), result: sampleValue });
const matrixResult = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(sampleValue) })),
});
const success = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.literal('success'), data, warnings: z.array(z.string()).optional() });
const failure = z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() });

export interface Sample {
  labels: Record<string, string>;
  /** seconds since the epoch */
  time: number;
  /** NaN and ±Inf are kept as such: a ratio over no traffic is NaN */
  value: number;
}

export interface Series {
  labels: Record<string, string>;
  points: { time: number; value: number }[];
}

/** Prometheus could not be reached (or timed out): what needs it cannot be computed. */
export class PrometheusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PrometheusUnavailableError';
  }
}

/** Prometheus answered but refused the query (bad PromQL, execution error). */
export class PrometheusQueryError extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly query: string,
  ) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

export interface PrometheusClientOptions {
  /** per request; Prometheus is also told, so it stops evaluating */
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface PrometheusClient {
  /** the base URL as it may be shown (password masked) */
  readonly url: string;
  /** an instant query evaluated at `time` */
  query(expr: string, time: Date, signal?: AbortSignal): Promise<Sample[]>;
  queryRange(
    expr: string,
    range: { start: Date; end: Date; stepSeconds: number },
    signal?: AbortSignal,
  ): Promise<Series[]>;
  /** GET /-/ready: true when the server answers and is ready */
  ready(signal?: AbortSignal): Promise<boolean>;
}

const toNumber = (s: string) => (s === 'NaN' ? NaN : s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s));
const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);

/**
 * user:password@ in the URL (a Prometheus behind basic auth) becomes an Authorization header, never part of a printed
 * URL.
 */
function splitCredentials(raw: string): { base: string; authorization?: string } {
  try {
    const url = new URL(raw);
    if (!url.username && !url.password) return { base: raw.replace(/\/+$/, '') };
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    const authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    url.username = '';
    url.password = '';
    return { base: url.toString().replace(/\/+$/, ''), authorization };
  } catch {
    return { base: raw.replace(/\/+$/, '') };
  }
}

export function createPrometheusClient(baseUrl: string, options: PrometheusClientOptions = {}): PrometheusClient {
  const { base, authorization } = splitCredentials(baseUrl);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const shown = maskUrl(baseUrl.replace(/\/+$/, ''));
  const headers = { ...(authorization ? { authorization } : {}), ...options.headers };

  async function call(
    path: string,
    form: Record<string, string>,
    query: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response;
    try {
      response = await request(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
        body: new URLSearchParams({ ...form, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      const reason = timeout.aborted
        ? `no answer within ${timeoutMs / 1000} s`
        : (error as Error).message || (error as { code?: string }).code || String(error);
      throw new PrometheusUnavailableError(`Cannot reach Prometheus at ${shown}: ${reason}`, { cause: error });
    }
    const text = await response.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusUnavailableError(
        `Prometheus at ${shown} answered HTTP ${response.statusCode} with something that is not its API's JSON (is ` +
          'the URL right?).',
      );
    }
    const failed = failure.safeParse(body);
    if (failed.success) {
      // 503 (timeout, overloaded) is the server's state, not the query's fault
      if (response.statusCode >= 500 && failed.data.errorType !== 'execution')
        throw new PrometheusUnavailableError(`Prometheus at ${shown}: ${failed.data.errorType}: ${failed.data.error}`);
      throw new PrometheusQueryError(`${failed.data.errorType}: ${failed.data.error}`, failed.data.errorType, query);
    }
    if (response.statusCode !== 200)
      throw new PrometheusUnavailableError(`Prometheus at ${shown} answered HTTP ${response.statusCode}.`);
    return body;
  }

  return {
    url: shown,
    async query(expr, time, signal) {
      const body = await call('/api/v1/query', { query: expr, time: seconds(time) }, expr, signal);
      const parsed = success(z.union([vectorResult, scalarResult])).safeParse(body);
      if (!parsed.success)
        throw new PrometheusUnavailableError(
          `Prometheus at ${shown} sent an answer of an unexpected shape for an instant query.`,
        );
      const data = parsed.data.data;
      if (data.resultType === 'scalar') return [{ labels: {}, time: data.result[0], value: toNumber(data.result[1]) }];
      return data.result.map((r) => ({ labels: r.metric, time: r.value[0], value: toNumber(r.value[1]) }));
    },
    async queryRange(expr, { start, end, stepSeconds }, signal) {
      const body = await call(
        '/api/v1/query_range',
        { query: expr, start: seconds(start), end: seconds(end), step: String(stepSeconds) },
        expr,
        signal,
      );
      const parsed = success(matrixResult).safeParse(body);
      if (!parsed.success)
        throw new PrometheusUnavailableError(
          `Prometheus at ${shown} sent an answer of an unexpected shape for a range query.`,
        );
      return parsed.data.data.result.map((r) => ({
        labels: r.metric,
        points: r.values.map(([t, v]) => ({ time: t, value: toNumber(v) })),
      }));
    },
    async ready(signal) {
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const response = await request(`${base}/-/ready`, {
          headers,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        await response.body.dump();
        return response.statusCode === 200;
      } catch (error) {
        if (signal?.aborted) throw error;
        return false;
      }
    },
  };
}
