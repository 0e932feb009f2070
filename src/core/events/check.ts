import type { Pool, PoolClient } from 'pg';
import { rethrowSchemaMissing, unavailable } from '../errors.js';
import { copyEventRows } from './copy-rows.js';
import { type InvalidEvent, PayloadChecker, type TypeVersionReport } from './payload-check.js';
import type { EventRegistry } from './registry.js';

export type { InvalidEvent, TypeVersionReport, VersionStatus } from './payload-check.js';

export interface StoredEventCheckOptions {
  /** only events that occurred at or after this time */
  since?: Date;
  /** only these event types */
  types?: readonly string[];
  /** the newest N matching events; undefined: every matching event */
  sample?: number;
  /** resume: start after this global position */
  after?: number;
  batchSize?: number;
  /** readers sharing one snapshot (each its own connection); 1 on a single-connection database */
  parallel?: number;
  /** per statement, inside the read-only transaction */
  statementTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { scanned: number; position: number; head: number }) => void;
}

export interface StoredEventCheckReport {
  scanned: number;
  /** the scan started after this position */
  from: number;
  /** the last position read: the cursor to resume after */
  lastPosition: number;
  head: number;
  /** stopped by the signal before the end */
  interrupted: boolean;
  rows: TypeVersionReport[];
  totals: {
    invalid: number;
    upcastFailures: number;
    unknownTypes: string[];
    unknownVersions: string[];
    missingUpcasters: string[];
  };
  /**
   * an invalid payload, an unknown version of a known type, a failed upcast or a version that cannot
   * reach the latest
   */
  problem: boolean;
  durationMs: number;
}

/**
 * Scans stored events by global position in one read-only snapshot and validates every payload.
 * With `parallel` > 1 the other readers join the first one's exported snapshot, so they all see
 * the same store; the range is cut into chunks handed out in order, and on interruption each
 * reader finishes its chunk, so every position up to the reported cursor has been checked.
 */
export async function checkStoredEvents(
  pool: Pool,
  registry: EventRegistry,
  options: StoredEventCheckOptions = {},
): Promise<StoredEventCheckReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5_000;
  const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? 30_000));
  const clients: PoolClient[] = [await pool.connect().catch(rethrowUnavailable)];
  const checker = new PayloadChecker(registry);
  let scanned = 0;
  let from = options.after ?? 0;
  let cursor = from;
  let head = 0;
  let interrupted = false;
  try {
    const main = clients[0]!;
    await main.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await main.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    const filter = buildFilter(options);
    head = Number(
      (await run(main, 'SELECT coalesce(max(global_position), 0)::text AS head FROM domain_events', [])).rows[0].head,
    );
    if (options.sample !== undefined && options.after === undefined)
      from = cursor = await sampleStart(client0(clients), filter, options.sample);
    const parallel = Math.max(1, Math.min(options.parallel ?? 1, 8, Math.ceil((head - from) / batchSize)));
    if (parallel > 1) {
      const snapshot = (await main.query('SELECT pg_export_snapshot() AS id')).rows[0].id as string;
      for (let i = 1; i < parallel; i++) {
        const reader = await pool.connect().catch(rethrowUnavailable);
        clients.push(reader);
        await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await reader.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, '')}'`);
        await reader.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      }
    }
    // chunks of positions, handed out in order; a reader reads its chunk in keyset batches
    const span = Math.max(batchSize, Math.ceil((head - from) / (parallel * 32)));
    const chunks = Math.ceil(Math.max(0, head - from) / span);
    let next = 0;
    let done = 0;
    const finished = new Set<number>();
    let failed = false;
    const reader = async (client: PoolClient) => {
      while (next < chunks && !failed) {
        if (options.signal?.aborted) {
          interrupted = true;
          return;
        }
        const chunk = next++;
        const low = from + chunk * span;
        const high = Math.min(head, low + span);
        const read = await readChunk(client, filter, low, high, batchSize, checker);
        scanned += read;
        finished.add(chunk);
        while (finished.has(done)) finished.delete(done++);
        cursor = Math.min(head, from + done * span);
        options.onProgress?.({ scanned, position: cursor, head });
      }
    };
    await Promise.all(
      clients.map((c) =>
        reader(c).catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    await fillEventIds(main, checker.reports());
    for (const c of clients) await c.query('ROLLBACK');
  } catch (error) {
    for (const c of clients) await c.query('ROLLBACK').catch(() => {});
    if ((error as { code?: string }).code === '57014') {
      throw unavailable(`Reading domain_events took longer than the statement timeout (${timeoutMs} ms).`, {
        code: 'events.check-timeout',
        facts: { after: cursor, statementTimeoutMs: timeoutMs },
        remedy: 'Resume after the last position read with a smaller batch or a longer timeout.',
        cause: error,
      });
    }
    rethrowSchemaMissing(error);
  } finally {
    for (const c of clients) c.release();
  }
  return summarize(checker.reports(), {
    scanned,
    from,
    lastPosition: cursor,
    head,
    interrupted,
    durationMs: performance.now() - started,
  });
}

const client0 = (clients: PoolClient[]) => clients[0]!;

async function fillEventIds(client: PoolClient, reports: TypeVersionReport[]): Promise<void> {
  const shown = reports
    .flatMap((r) => [r.firstInvalid, r.firstUpcastFailure])
    .filter((x): x is InvalidEvent => Boolean(x));
  if (shown.length === 0) return;
  const { rows } = await run(
    client,
    'SELECT global_position::text AS pos, id::text FROM domain_events WHERE global_position = ANY($1::bigint[])',
    [shown.map((s) => s.position)],
  );
  const ids = new Map(rows.map((r: { pos: string; id: string }) => [Number(r.pos), r.id]));
  for (const s of shown) s.eventId = ids.get(s.position) ?? '';
}

/**
 * Every matching event in (low, high], in keyset batches of one COPY each, validated as it streams
 * in. COPY takes no parameters: the positions are integers and the filter is rendered as literals.
 */
async function readChunk(
  client: PoolClient,
  filter: Filter,
  low: number,
  high: number,
  batchSize: number,
  checker: PayloadChecker,
): Promise<number> {
  const where = filter.literal(client);
  const check = checker.check.bind(checker);
  let count = 0;
  for (let after = low; ; ) {
    const { rows, last } = await copyRows(
      client,
      `SELECT e.global_position, e.event_type, e.schema_version, e.payload FROM domain_events e
        WHERE e.global_position > ${position(after)} AND e.global_position <= ${position(high)}${where}
        ORDER BY e.global_position LIMIT ${batchSize}`,
      check,
    );
    count += rows;
    if (rows < batchSize) return count;
    after = last;
  }
}

/** A global position written into SQL: only ever a whole number. */
function position(value: number): string {
  if (!Number.isSafeInteger(value)) throw new Error(`not a global position: ${value}`);
  return String(value);
}

async function copyRows(client: PoolClient, select: string, sink: Parameters<typeof copyEventRows>[2]) {
  try {
    return await copyEventRows(client, select, sink);
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}

function rethrowUnavailable(error: unknown): never {
  throw unavailable(`Cannot connect to the database: ${(error as Error).message}`, {
    code: 'database-unavailable',
    cause: error,
  });
}

async function run(client: PoolClient, query: any, values?: unknown[]): Promise<{ rows: any[] }> {
  try {
    return values === undefined ? await client.query(query) : await client.query(query, values);
  } catch (error) {
    rethrowSchemaMissing(error);
  }
}

interface Filter {
  /** " AND …" with $2, $3 … for the queries that take parameters after a position */
  where: string;
  values: unknown[];
  /** the same conditions as literals, for COPY */
  literal: (client: PoolClient) => string;
}

function buildFilter(options: StoredEventCheckOptions): Filter {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const literals: ((client: PoolClient) => string)[] = [];
  const since = options.since;
  if (since) {
    values.push(since);
    clauses.push(`e.occurred_at >= $${values.length + 1}`);
    // toISOString() is digits, '-', ':', '.', 'T' and 'Z' only
    literals.push(() => `e.occurred_at >= '${since.toISOString()}'::timestamptz`);
  }
  const types = options.types?.length ? [...options.types] : undefined;
  if (types) {
    values.push(types);
    clauses.push(`e.event_type = ANY($${values.length + 1}::text[])`);
    literals.push(
      (client) => `e.event_type = ANY(ARRAY[${types.map((t) => client.escapeLiteral(t)).join(', ')}]::text[])`,
    );
  }
  return {
    where: clauses.map((c) => ` AND ${c}`).join(''),
    values,
    literal: (client) => literals.map((l) => ` AND ${l(client)}`).join(''),
  };
}

/** The position just before the newest `sample` matching events (a backward walk of the position index). */
async function sampleStart(client: PoolClient, filter: Filter, sample: number): Promise<number> {
  const { rows } = await run(
    client,
    `SELECT e.global_position::text AS p FROM domain_events e WHERE e.global_position > $1${filter.where}
      ORDER BY e.global_position DESC OFFSET ${Math.max(0, Math.floor(sample))} LIMIT 1`,
    [0, ...filter.values],
  );
  return rows.length ? Number(rows[0].p) : 0;
}

function summarize(
  rows: TypeVersionReport[],
  scan: Omit<StoredEventCheckReport, 'rows' | 'totals' | 'problem'>,
): StoredEventCheckReport {
  rows.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  const label = (r: TypeVersionReport) => `${r.type} v${r.version}`;
  const totals = {
    invalid: rows.reduce((n, r) => n + r.invalid, 0),
    upcastFailures: rows.reduce((n, r) => n + r.upcastFailures, 0),
    unknownTypes: [...new Set(rows.filter((r) => r.status === 'unknown-type').map((r) => r.type))],
    unknownVersions: rows.filter((r) => r.status === 'unknown-version').map(label),
    missingUpcasters: rows.filter((r) => r.reachesLatest === false).map(label),
  };
  const problem =
    totals.invalid > 0 ||
    totals.upcastFailures > 0 ||
    totals.unknownVersions.length > 0 ||
    totals.missingUpcasters.length > 0;
  return { ...scan, rows, totals, problem };
}
