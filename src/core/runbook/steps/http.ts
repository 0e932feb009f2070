import { request } from 'undici';
import { maskPii } from '../../redact.js';
import type { RenderedAction } from '../plan.js';
import { timedOutAfter } from './timeout.js';
import type { ActionResult, ActionRun } from './types.js';

const BODY_LIMIT = 64_000;

export async function runHttp(action: Extract<RenderedAction, { kind: 'http' }>, run: ActionRun): Promise<ActionResult> {
  const timeout = AbortSignal.timeout(run.timeoutMs);
  try {
    const response = await request(action.url, {
      method: action.method as 'GET',
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
    const ok = action.okStatus ? action.okStatus.includes(response.statusCode) : response.statusCode >= 200 && response.statusCode < 300;
    const shown = text.length > BODY_LIMIT ? `${text.slice(0, BODY_LIMIT)}\n… [cut]` : text;
    return {
      ok,
      status: response.statusCode,
      output: `HTTP ${response.statusCode}\n${json === undefined ? shown : JSON.stringify(maskPii(json), null, 2).slice(0, BODY_LIMIT)}`,
      value: json ?? text,
      data: maskPii(json),
      error: ok ? undefined : `HTTP ${response.statusCode} from ${action.method} ${new URL(action.url).origin}${new URL(action.url).pathname}`,
    };
  } catch (error) {
    if (run.signal.aborted) return { ok: false, output: '', interrupted: true, error: 'interrupted' };
    if (timeout.aborted) return { ok: false, output: '', timedOut: true, error: timedOutAfter(run.timeoutMs) };
    const e = error as { code?: string; message?: string };
    return { ok: false, output: '', error: `${action.method} ${new URL(action.url).origin}: ${e.code ?? e.message ?? String(error)}` };
  }
}
