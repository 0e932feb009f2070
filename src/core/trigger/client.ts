import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { maskToken } from '../redact.js';
import { parseListRunsResponse, parseRetrievedRun, ResponseShapeError } from './parse.js';
import type { ListedRun, RetrievedRun, RunStatus } from './schemas.js';

/** The API version whose run shapes and status names this client expects. */
export const TRIGGER_API_VERSION = '2025-07-16';

export interface TriggerClientOptions {
  /** e.g. https://api.trigger.dev */
  baseUrl: string;
  secretKey: string;
  /** runs per page, 1..100 */
  pageSize?: number;
}

export class TriggerApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TriggerApiError';
  }
}

export interface ListRunsQuery {
  tag?: string;
  status?: readonly RunStatus[];
  createdFrom: Date;
  createdTo?: Date;
  /** stop after this many runs */
  limit?: number;
}

/**
 * The Trigger.dev management API (runs only), over node:http(s), every response validated. Neither
 * undici nor zod: a trace starts a request at once, and loading them cost more than the request.
 */
export class TriggerClient {
  private readonly baseUrl: string;

  constructor(private readonly options: TriggerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Every run matching the query, following `page[after]` cursors. Without a createdAt filter the
   * API returns only the last 7 days, so the caller always names the start of the window.
   */
  async listRuns(
    query: ListRunsQuery,
    signal?: AbortSignal,
  ): Promise<{ runs: ListedRun[]; pages: number; truncated: boolean }> {
    const runs: ListedRun[] = [];
    let after: string | undefined;
    let pages = 0;
    const limit = query.limit ?? Infinity;
    for (;;) {
      const params = new URLSearchParams();
      if (query.tag) params.set('filter[tag]', query.tag);
      if (query.status?.length) params.set('filter[status]', query.status.join(','));
      params.set('filter[createdAt][from]', query.createdFrom.toISOString());
      if (query.createdTo) params.set('filter[createdAt][to]', query.createdTo.toISOString());
      params.set('page[size]', String(this.options.pageSize ?? 100));
      if (after) params.set('page[after]', after);
      const page = await this.get(`/api/v1/runs?${params}`, parseListRunsResponse, signal);
      pages++;
      runs.push(...page.data);
      if (runs.length >= limit) return { runs: runs.slice(0, limit), pages, truncated: true };
      // a cursor that does not move would loop forever
      if (!page.pagination.next || page.pagination.next === after || page.data.length === 0)
        return { runs, pages, truncated: false };
      after = page.pagination.next;
    }
  }

  /** One run with its error (the list endpoint does not carry errors). */
  async retrieveRun(id: string, signal?: AbortSignal): Promise<RetrievedRun> {
    return this.get(`/api/v3/runs/${encodeURIComponent(id)}`, parseRetrievedRun, signal);
  }

  private async get<T>(path: string, parse: (body: unknown) => T, signal?: AbortSignal): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const route = path.split('?')[0];
    let response: { statusCode: number; text: string };
    try {
      response = await httpGet(
        url,
        {
          authorization: `Bearer ${this.options.secretKey}`,
          'x-trigger-api-version': TRIGGER_API_VERSION,
          accept: 'application/json',
        },
        signal,
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TriggerApiError(`cannot reach Trigger.dev at ${this.baseUrl}: ${(error as Error).message}`);
    }
    const { statusCode, text } = response;
    if (statusCode === 401 || statusCode === 403) {
      throw new TriggerApiError(
        `Trigger.dev rejected the secret key ${maskToken(this.options.secretKey)} (HTTP ${statusCode}); ` +
          'check TRIGGER_SECRET_KEY',
        statusCode,
      );
    }
    if (statusCode >= 400) {
      throw new TriggerApiError(`Trigger.dev answered HTTP ${statusCode} to GET ${route}`, statusCode);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TriggerApiError(`Trigger.dev answered GET ${route} with something that is not JSON`);
    }
    try {
      return parse(body);
    } catch (error) {
      if (!(error instanceof ResponseShapeError)) throw error;
      throw new TriggerApiError(`unexpected Trigger.dev response to GET ${route}: ${error.message}`);
    }
  }
}

/**
 * One GET, its whole body as text. Over http:// the request is sent before this returns (a trace
 * sends it first); node:https, and with it TLS, is loaded only for an https URL. The default
 * agents keep the connection for the next page and do not hold the process open.
 */
async function httpGet(
  url: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ statusCode: number; text: string }> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new Error(`unsupported protocol ${target.protocol} (use http:// or https://)`);
  const request = target.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const options: RequestOptions = { method: 'GET', headers, signal };
  return new Promise((resolve, reject) => {
    const req = request(target, options, (res: IncomingMessage) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
