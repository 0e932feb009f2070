import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

/** One in-memory breaker as a pod's admin endpoint reports it (GET /health/circuit-breakers). */
export interface PodBreaker {
  name: string;
  state: 'closed' | 'open' | 'half_open';
  failures: number;
  successes: number | null;
  totalRequests: number | null;
  totalFailures: number | null;
  successRate: number | null;
  lastFailure: string | null;
}

const state = z
  .string()
  .transform((s) => s.toLowerCase().replace('-', '_'))
  .pipe(z.enum(['closed', 'open', 'half_open']));

const listResponse = z.object({
  timestamp: z.string().optional(),
  openCircuits: z.array(z.string()).optional(),
  services: z.array(
    z.object({
      name: z.string(),
      state,
      failures: z.number().default(0),
      successes: z.number().nullish(),
      totalRequests: z.number().nullish(),
      totalFailures: z.number().nullish(),
      successRate: z.number().nullish(),
      lastFailure: z.string().nullish(),
    }),
  ),
});

const resetResponse = z.object({ success: z.boolean(), message: z.string().optional() });

export interface ApiAdminClient {
  readonly baseUrl: string;
  listCircuitBreakers(): Promise<PodBreaker[]>;
  resetCircuitBreaker(service: string): Promise<{ success: boolean; message: string }>;
}

/** Thrown for an unreachable pod, an HTTP error or an answer of the wrong shape; says which. */
export class ApiAdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiAdminError';
  }
}

/**
 * The platform API's admin endpoints on one base URL (a pod's IP and port, or the service). The
 * one module that speaks this API; responses are validated before anything uses them.
 */
export function createApiAdminClient(options: {
  baseUrl: string;
  timeoutMs?: number;
  /** sent with every request (the admin token, and the API server's credentials through its proxy) */
  headers?: Record<string, string>;
  /** TLS settings for the API server's proxy */
  dispatcher?: Dispatcher;
  /** how the pod is named in messages (a proxy URL says little) */
  label?: string;
}): ApiAdminClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const where = options.label ?? baseUrl;
  const timeout = options.timeoutMs ?? 5_000;

  async function call(method: 'GET' | 'POST', path: string): Promise<{ status: number; body: unknown }> {
    let response;
    try {
      response = await request(`${baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', ...options.headers },
        dispatcher: options.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      const cause =
        (error as { cause?: { code?: string } }).cause?.code ??
        (error as { code?: string }).code ??
        (error as Error).message;
      throw new ApiAdminError(`cannot reach ${where}: ${cause}`);
    }
    const text = await response.body.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiAdminError(
        `${method} ${path} on ${where} answered ${response.statusCode} with a body that is not JSON`,
        response.statusCode,
      );
    }
    return { status: response.statusCode, body };
  }

  return {
    baseUrl,
    async listCircuitBreakers() {
      const { status, body } = await call('GET', '/health/circuit-breakers');
      if (status !== 200)
        throw new ApiAdminError(`GET /health/circuit-breakers on ${where} answered HTTP ${status}`, status);
      const parsed = listResponse.safeParse(body);
      if (!parsed.success)
        throw new ApiAdminError(
          `GET /health/circuit-breakers on ${where} answered an unexpected shape: ` +
            `${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
        );
      return parsed.data.services.map((s) => ({
        name: s.name,
        state: s.state,
        failures: s.failures,
        successes: s.successes ?? null,
        totalRequests: s.totalRequests ?? null,
        totalFailures: s.totalFailures ?? null,
        successRate: s.successRate ?? null,
        lastFailure: s.lastFailure ?? null,
      }));
    },
    async resetCircuitBreaker(service) {
      const { status, body } = await call('POST', `/health/circuit-breakers/${encodeURIComponent(service)}/reset`);
      const parsed = resetResponse.safeParse(body);
      if (status !== 200 || !parsed.success || !parsed.data.success) {
        const message = parsed.success ? parsed.data.message : undefined;
        throw new ApiAdminError(
          `reset of ${service} on ${where} failed (HTTP ${status})${message ? `: ${message}` : ''}`,
          status,
        );
      }
      return { success: true, message: parsed.data.message ?? '' };
    },
  };
}
