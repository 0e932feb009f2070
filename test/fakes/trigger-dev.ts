import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListRunResponse, RetrieveRunResponse } from '@trigger.dev/core/v3';

/**
 * A local stand-in for the Trigger.dev management API (runs list and retrieve), answering with the
 * documented shapes. Every body is checked against @trigger.dev/core's own zod schemas before it
 * is sent, so the fake cannot drift from what the real API returns.
 */
export interface FakeRun {
  id: string;
  taskIdentifier: string;
  status:
    | 'QUEUED'
    | 'EXECUTING'
    | 'COMPLETED'
    | 'FAILED'
    | 'CRASHED'
    | 'CANCELED'
    | 'SYSTEM_FAILURE'
    | 'TIMED_OUT'
    | 'EXPIRED';
  tags: string[];
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  error?: { message: string; name?: string; stackTrace?: string };
  attemptCount?: number;
  payload?: unknown;
  /**
   * a status a newer API version may send (outside @trigger.dev/core's enum): the body is checked
   * with `status` and then sent with this one instead
   */
  futureStatus?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  apiVersion?: string;
}

export interface TriggerFake {
  url: string;
  secretKey: string;
  requests: FakeRequest[];
  /** responses that failed @trigger.dev/core's schemas (must stay empty) */
  schemaViolations: string[];
  runs: FakeRun[];
  /** delay before every answer */
  delayMs: number;
  /** requests that have arrived, counted before the delay (requests are recorded after it) */
  received: number;
  close(): Promise<void>;
}

const FAILED = new Set(['FAILED', 'CRASHED', 'SYSTEM_FAILURE', 'TIMED_OUT', 'EXPIRED']);
const SEVEN_DAYS = 7 * 86_400_000;

function common(run: FakeRun) {
  const finished = run.finishedAt !== undefined;
  return {
    id: run.id,
    status: run.status,
    taskIdentifier: run.taskIdentifier,
    version: '20250716.1',
    isQueued: run.status === 'QUEUED',
    isExecuting: run.status === 'EXECUTING',
    isWaiting: false,
    isCompleted: finished,
    isSuccess: run.status === 'COMPLETED',
    isFailed: FAILED.has(run.status),
    isCancelled: run.status === 'CANCELED',
    isTest: false,
    createdAt: run.createdAt.toISOString(),
    updatedAt: (run.finishedAt ?? run.startedAt ?? run.createdAt).toISOString(),
    ...(run.startedAt ? { startedAt: run.startedAt.toISOString() } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt.toISOString() } : {}),
    tags: run.tags,
    costInCents: 0.0029,
    baseCostInCents: 0.0025,
    durationMs: run.startedAt && run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : 0,
  };
}

export async function startTriggerFake(
  options: { runs?: FakeRun[]; secretKey?: string; delayMs?: number; maxPageSize?: number } = {},
): Promise<TriggerFake> {
  const fake: Omit<TriggerFake, 'url' | 'close'> = {
    secretKey: options.secretKey ?? 'tr_dev_fakeSecretKey0123456789',
    requests: [],
    schemaViolations: [],
    runs: options.runs ?? [],
    delayMs: options.delayMs ?? 0,
    received: 0,
  };
  const maxPageSize = options.maxPageSize ?? 100;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const sendValidated = (
    res: ServerResponse,
    schema: typeof ListRunResponse | typeof RetrieveRunResponse,
    body: unknown,
  ) => {
    const checked = schema.safeParse(body);
    if (!checked.success) {
      fake.schemaViolations.push(JSON.stringify(checked.error.issues).slice(0, 500));
      return send(res, 500, { error: 'fake produced an invalid body' });
    }
    send(res, 200, body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    fake.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      apiVersion: req.headers['x-trigger-api-version'] as string | undefined,
    });
    if (req.headers.authorization !== `Bearer ${fake.secretKey}`) return send(res, 401, { error: 'Invalid API Key' });

    if (req.method === 'GET' && url.pathname === '/api/v1/runs') {
      const tag = url.searchParams.get('filter[tag]');
      const statuses = url.searchParams.get('filter[status]')?.split(',');
      const fromText = url.searchParams.get('filter[createdAt][from]');
      // as documented: without a createdAt filter only the last 7 days are returned
      const from = fromText ? new Date(fromText) : new Date(Date.now() - SEVEN_DAYS);
      const size = Math.min(Number(url.searchParams.get('page[size]') ?? 25), maxPageSize);
      const after = url.searchParams.get('page[after]');
      const matching = fake.runs
        .filter(
          (r) =>
            (!tag || tag.split(',').some((t) => r.tags.includes(t))) &&
            (!statuses || statuses.includes(r.status)) &&
            r.createdAt >= from,
        )
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
      const start = after ? matching.findIndex((r) => r.id === after) + 1 : 0;
      const page = matching.slice(start, start + size);
      const next = start + size < matching.length ? page[page.length - 1]?.id : undefined;
      const previous = start > 0 ? page[0]?.id : undefined;
      const body = {
        data: page.map((run) => ({ ...common(run), env: { id: 'env_fake', name: 'prod', user: undefined } })),
        pagination: { ...(next ? { next } : {}), ...(previous ? { previous } : {}) },
      };
      if (!ListRunResponse.safeParse(body).success) return sendValidated(res, ListRunResponse, body);
      body.data = body.data.map((run, i) =>
        page[i]!.futureStatus ? { ...run, status: page[i]!.futureStatus as FakeRun['status'] } : run,
      );
      return send(res, 200, body);
    }
    const retrieve = /^\/api\/v3\/runs\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && retrieve) {
      const run = fake.runs.find((r) => r.id === decodeURIComponent(retrieve[1]!));
      if (!run) return send(res, 404, { error: 'Run not found' });
      return sendValidated(res, RetrieveRunResponse, {
        ...common(run),
        depth: 0,
        triggerFunction: 'trigger',
        payload: run.payload,
        ...(run.error ? { error: run.error } : {}),
        relatedRuns: {},
        attemptCount: run.attemptCount ?? 1,
      });
    }
    send(res, 404, { error: 'Not found' });
  };

  const server = createServer((req, res) => {
    fake.received++;
    const delay = fake.delayMs;
    if (delay > 0) setTimeout(() => handle(req, res), delay);
    else handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as TriggerFake;
}
