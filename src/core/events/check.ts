import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import { rethrowSchemaMissing, unavailable } from '../errors.js';
import { maskPiiText } from '../redact.js';
import { formatPath, shownValue } from './masking.js';
import type { EventDefinition, EventRegistry } from './registry.js';

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

export type VersionStatus = 'registered' | 'unknown-type' | 'unknown-version';

export interface InvalidEvent {
  eventId: string;
  position: number;
  /** the first failing path in the payload, e.g. "contact.phone" */
  path: string;
  message: string;
  /** the stored value there, masked */
  value: string;
}

export interface TypeVersionReport {
  type: string;
  version: number;
  status: VersionStatus;
  count: number;
  invalid: number;
  firstInvalid?: InvalidEvent;
  /** null when the type or version is not registered */
  reachesLatest: boolean | null;
  latestVersion: number | null;
  /** valid at its own version, but the upcast payload fails the latest schema (or the upcaster threw) */
  upcastFailures: number;
  firstUpcastFailure?: InvalidEvent;
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
  /** an invalid payload, an unknown version of a known type, a failed upcast or a version that cannot reach the latest */
  problem: boolean;
  durationMs: number;
}

interface Bucket {
  report: TypeVersionReport;
  schema?: z.ZodType;
  latestSchema?: z.ZodType;
  definition?: EventDefinition;
  /** only when every step has a runnable upcaster */
  liftable: boolean;
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
  const buckets = new Map<string, Bucket>();
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
        const read = await readChunk(client, filter, low, high, batchSize, registry, buckets);
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
    await fillEventIds(main, buckets);
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
  return summarize(
    [...buckets.values()].map((b) => b.report),
    { scanned, from, lastPosition: cursor, head, interrupted, durationMs: performance.now() - started },
  );
}

const client0 = (clients: PoolClient[]) => clients[0]!;

async function fillEventIds(client: PoolClient, buckets: Map<string, Bucket>): Promise<void> {
  const shown = [...buckets.values()]
    .flatMap((b) => [b.report.firstInvalid, b.report.firstUpcastFailure])
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

/** Every matching event in (low, high], in keyset batches; the next batch is asked for before this one is validated. */
async function readChunk(
  client: PoolClient,
  filter: { where: string; values: unknown[] },
  low: number,
  high: number,
  batchSize: number,
  registry: EventRegistry,
  buckets: Map<string, Bucket>,
): Promise<number> {
  const fetch = (after: number) =>
    run(client, {
      text: `SELECT e.global_position::text AS pos, e.event_type, e.schema_version, e.payload FROM domain_events e
              WHERE e.global_position > $1 AND e.global_position <= $2${filter.where.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + 1}`)}
              ORDER BY e.global_position LIMIT ${batchSize}`,
      values: [after, high, ...filter.values],
      rowMode: 'array',
    });
  let count = 0;
  let pending: Promise<{ rows: any[] }> | undefined = fetch(low);
  while (pending) {
    const { rows }: { rows: any[] } = await pending;
    if (rows.length === 0) break;
    pending = rows.length === batchSize ? fetch(Number(rows[rows.length - 1][0])) : undefined;
    for (const row of rows) validateRow(row, registry, buckets);
    count += rows.length;
  }
  return count;
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

function buildFilter(options: StoredEventCheckOptions): { where: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  if (options.since) {
    values.push(options.since);
    clauses.push(`e.occurred_at >= $${values.length + 1}`);
  }
  if (options.types?.length) {
    values.push([...options.types]);
    clauses.push(`e.event_type = ANY($${values.length + 1}::text[])`);
  }
  return { where: clauses.map((c) => ` AND ${c}`).join(''), values };
}

/** The position just before the newest `sample` matching events (a backward walk of the position index). */
async function sampleStart(
  client: PoolClient,
  filter: { where: string; values: unknown[] },
  sample: number,
): Promise<number> {
  const { rows } = await run(
    client,
    `SELECT e.global_position::text AS p FROM domain_events e WHERE e.global_position > $1${filter.where}
      ORDER BY e.global_position DESC OFFSET ${Math.max(0, Math.floor(sample))} LIMIT 1`,
    [0, ...filter.values],
  );
  return rows.length ? Number(rows[0].p) : 0;
}

function bucketFor(type: string, version: number, registry: EventRegistry): Bucket {
  const definition = registry.get(type);
  const latestVersion = definition ? definition.versions.length : null;
  const entry = definition?.versions[version - 1];
  const coverage = entry ? registry.coverage(type)[version - 1] : undefined;
  const status: VersionStatus = !definition ? 'unknown-type' : entry ? 'registered' : 'unknown-version';
  const liftable = Boolean(
    entry &&
      latestVersion &&
      version < latestVersion &&
      definition!.versions.slice(version - 1, -1).every((v) => v.upcast),
  );
  return {
    report: {
      type,
      version,
      status,
      count: 0,
      invalid: 0,
      reachesLatest: coverage ? coverage.reachesLatest : null,
      latestVersion,
      upcastFailures: 0,
    },
    schema: entry?.schema,
    latestSchema: definition?.versions[definition.versions.length - 1]?.schema,
    definition,
    liftable,
  };
}

function describe(
  row: any[],
  payload: unknown,
  issue: { path: PropertyKey[]; message: string } | undefined,
): InvalidEvent {
  const path = issue?.path ?? [];
  // the id is looked up once the scan is done: reading it for every event costs a tenth of the scan
  return {
    eventId: '',
    position: Number(row[0]),
    path: formatPath(path),
    message: maskPiiText(issue?.message ?? 'invalid'),
    value: shownValue(payload, path),
  };
}

function validateRow(row: any[], registry: EventRegistry, buckets: Map<string, Bucket>): void {
  const type: string = row[1];
  const version: number = row[2];
  const key = `${type}\u0000${version}`;
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = bucketFor(type, version, registry);
    buckets.set(key, bucket);
  }
  const report = bucket.report;
  report.count++;
  if (!bucket.schema) return;
  const payload = row[3];
  const result = bucket.schema.safeParse(payload);
  if (!result.success) {
    report.invalid++;
    if (!report.firstInvalid || Number(row[0]) < report.firstInvalid.position)
      report.firstInvalid = describe(row, payload, result.error.issues[0]);
    return;
  }
  if (!bucket.liftable) return;
  try {
    const lifted = registry.upcast(type, version, result.data).payload;
    const latest = bucket.latestSchema!.safeParse(lifted);
    if (!latest.success) {
      report.upcastFailures++;
      if (!report.firstUpcastFailure || Number(row[0]) < report.firstUpcastFailure.position)
        report.firstUpcastFailure = describe(row, lifted, latest.error.issues[0]);
    }
  } catch (error) {
    report.upcastFailures++;
    report.firstUpcastFailure ??= describe(row, payload, {
      path: [],
      message: `upcaster threw: ${(error as Error).message}`,
    });
  }
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
