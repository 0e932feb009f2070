import { request } from 'undici';
import type { z } from 'zod';
import { maskToken } from '../redact.js';
import { listRunsResponse, retrievedRun, type ListedRun, type RetrievedRun, type RunStatus } from './schemas.js';

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

/** The Trigger.dev management API (runs only), over undici, every response validated. */
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
      const page = await this.get(`/api/v1/runs?${params}`, listRunsResponse, signal);
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
    return this.get(`/api/v3/runs/${encodeURIComponent(id)}`, retrievedRun, signal);
  }

  private async get<T extends z.ZodType>(path: string, schema: T, signal?: AbortSignal): Promise<z.infer<T>> {
    const url = `${this.baseUrl}${path}`;
    let response;
    try {
      response = await request(url, {
        method: 'GET',
        headers: {
          authorization: `Bearer ${this.options.secretKey}`,
          'x-trigger-api-version': TRIGGER_API_VERSION,
          accept: 'application/json',
        },
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TriggerApiError(`cannot reach Trigger.dev at ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new TriggerApiError(
        `Trigger.dev rejected the secret key ${maskToken(this.options.secretKey)} (HTTP ${response.statusCode}); check TRIGGER_SECRET_KEY`,
        response.statusCode,
      );
    }
    if (response.statusCode >= 400) {
      throw new TriggerApiError(
        `Trigger.dev answered HTTP ${response.statusCode} to GET ${path.split('?')[0]}`,
        response.statusCode,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TriggerApiError(`Trigger.dev answered GET ${path.split('?')[0]} with something that is not JSON`);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TriggerApiError(
        `unexpected Trigger.dev response to GET ${path.split('?')[0]}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim(),
      );
    }
    return parsed.data;
  }
}
