import { redactSecrets } from '../redact.js';
import { formatMs } from '../time/index.js';
import type { SourceName, SourceReport, SourceResult } from './types.js';

/**
 * Milliseconds on the monotonic clock. Not `performance.now()`: on Node 20 the first use of that
 * global loads perf_hooks and its timing modules, which a trace would pay on every start.
 */
const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

export class SourceTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${formatMs(timeoutMs)}`);
    this.name = 'SourceTimeout';
  }
}

export type SourceTask<T> = {
  source: SourceName;
  skip?: string;
  /**
   * waited for before the source's deadline starts: the database being opened (an embedded one
   * takes seconds), which has its own timeout; the other sources start meanwhile
   */
  ready?: Promise<unknown>;
  read?: (signal: AbortSignal) => Promise<T>;
};

export interface SourceOutcome<T> {
  report: SourceReport;
  result?: T;
}

export interface RunSourcesOptions {
  /** Ctrl-C: aborts every source */
  signal?: AbortSignal;
  /** secret values to keep out of the reasons a source failed */
  secrets?: readonly string[];
}

/** Some source failed or timed out, so what was found may be missing the answer. */
export function isPartial(sources: readonly SourceReport[]): boolean {
  return sources.some((s) => s.state === 'failed' || s.state === 'timeout');
}

/**
 * Runs every source at once, each with its own deadline. A source that fails or misses its
 * deadline is reported as such (its reason without secrets) and the others still count; Ctrl-C
 * aborts them all.
 */
export async function runSources<T extends Pick<SourceResult, 'truncated' | 'note'> & { items: unknown[] }>(
  tasks: readonly SourceTask<T>[],
  timeoutMs: number,
  { signal, secrets }: RunSourcesOptions = {},
): Promise<SourceOutcome<T>[]> {
  return Promise.all(
    tasks.map(async (task): Promise<SourceOutcome<T>> => {
      if (task.skip || !task.read)
        return { report: { source: task.source, state: 'skipped', items: 0, elapsedMs: 0, reason: task.skip } };
      if (task.ready) await task.ready.catch(() => {}); // a failed open is the read's to report
      const started = monotonicMs();
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const timeout = new SourceTimeout(timeoutMs);
          controller.abort(timeout);
          reject(timeout);
        }, timeoutMs);
      });
      try {
        const result = await Promise.race([task.read(controller.signal), deadline]);
        return {
          result,
          report: {
            source: task.source,
            state: 'ok',
            items: result.items.length,
            elapsedMs: Math.round(monotonicMs() - started),
            truncated: result.truncated || undefined,
            note: result.note,
          },
        };
      } catch (error) {
        const timedOut = error instanceof SourceTimeout || /statement timeout/i.test((error as Error)?.message ?? '');
        return {
          report: {
            source: task.source,
            state: timedOut ? 'timeout' : 'failed',
            items: 0,
            elapsedMs: Math.round(monotonicMs() - started),
            reason: timedOut
              ? `no answer within ${formatMs(timeoutMs)}`
              : redactSecrets(oneLine((error as Error)?.message ?? String(error)), secrets),
          },
        };
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }),
  );
}

function oneLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
