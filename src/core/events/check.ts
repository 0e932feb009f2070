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
  totals: { invalid: number; upcastFailures: number; unknownTypes: string[]; unknownVersions: string[]; missingUpcasters: string[] };
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

/** Scans stored events by global position in one read-only snapshot and validates every payload. */
export async function checkStoredEvents(pool: Pool, registry: EventRegistry, options: StoredEventCheckOptions = {}): Promise<StoredEventCheckReport> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5_000;
  const client = await pool.connect().catch(rethrowUnavailable);
  const buckets = new Map<string, Bucket>();
  let scanned = 0;
  let position = options.after ?? 0;
  let from = position;
  let head = 0;
  let interrupted = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(options.statementTimeoutMs ?? 30_000))}`);
    const filter = buildFilter(options);
    head = Number((await run(client, 'SELECT coalesce(max(global_position), 0)::text AS head FROM domain_events', [])).rows[0].head);
    if (options.sample !== undefined && options.after === undefined) {
      from = position = await sampleStart(client, filter, options.sample);
    }
    const limit = options.sample ?? Number.POSITIVE_INFINITY;
    const fetch = (after: number) =>
      run(client, {
        text: `SELECT e.global_position::text AS pos, e.id, e.event_type, e.schema_version, e.payload FROM domain_events e
                WHERE e.global_position > $1${filter.where} ORDER BY e.global_position LIMIT ${batchSize}`,
        values: [after, ...filter.values],
        rowMode: 'array',
      });
    let next = position < head ? fetch(position) : undefined;
    while (next) {
      const { rows } = await next;
      if (rows.length === 0) break;
      const last = Number(rows[rows.length - 1][0]);
      const more = rows.length === batchSize && last < head && scanned + rows.length < limit && !options.signal?.aborted;
      // ask for the next batch before validating this one: the server reads while we validate
      next = more ? fetch(last) : undefined;
      const take = Math.min(rows.length, limit - scanned);
      for (let i = 0; i < take; i++) validateRow(rows[i], registry, buckets);
      scanned += take;
      position = Number(rows[take - 1][0]);
      options.onProgress?.({ scanned, position, head });
      if (options.signal?.aborted && (next || position < head)) {
        interrupted = true;
        if (next) await next.catch(() => {});
        break;
      }
    }
    await client.query('ROLLBACK');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    if ((error as { code?: string }).code === '57014') {
      throw unavailable(`Reading domain_events took longer than the statement timeout (${options.statementTimeoutMs ?? 30_000} ms).`, {
        code: 'events.check-timeout',
        facts: { after: position, statementTimeoutMs: options.statementTimeoutMs ?? 30_000 },
        remedy: 'Resume after the last position read with a smaller batch or a longer timeout.',
        cause: error,
      });
    }
    rethrowSchemaMissing(error);
  } finally {
    client.release();
  }
  return summarize([...buckets.values()].map((b) => b.report), { scanned, from, lastPosition: position, head, interrupted, durationMs: performance.now() - started });
}

function rethrowUnavailable(error: unknown): never {
  throw unavailable(`Cannot connect to the database: ${(error as Error).message}`, { code: 'database-unavailable', cause: error });
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
async function sampleStart(client: PoolClient, filter: { where: string; values: unknown[] }, sample: number): Promise<number> {
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
  const liftable = Boolean(entry && latestVersion && version < latestVersion && definition!.versions.slice(version - 1, -1).every((v) => v.upcast));
  return {
    report: { type, version, status, count: 0, invalid: 0, reachesLatest: coverage ? coverage.reachesLatest : null, latestVersion, upcastFailures: 0 },
    schema: entry?.schema,
    latestSchema: definition?.versions[definition.versions.length - 1]?.schema,
    definition,
    liftable,
  };
}

function describe(row: any[], payload: unknown, issue: { path: PropertyKey[]; message: string } | undefined): InvalidEvent {
  const path = issue?.path ?? [];
  return { eventId: row[1], position: Number(row[0]), path: formatPath(path), message: maskPiiText(issue?.message ?? 'invalid'), value: shownValue(payload, path) };
}

function validateRow(row: any[], registry: EventRegistry, buckets: Map<string, Bucket>): void {
  const type: string = row[2];
  const version: number = row[3];
  const key = `${type}\u0000${version}`;
  let bucket = buckets.get(key);
  if (!bucket) {
    bucket = bucketFor(type, version, registry);
    buckets.set(key, bucket);
  }
  const report = bucket.report;
  report.count++;
  if (!bucket.schema) return;
  const payload = row[4];
  const result = bucket.schema.safeParse(payload);
  if (!result.success) {
    report.invalid++;
    report.firstInvalid ??= describe(row, payload, result.error.issues[0]);
    return;
  }
  if (!bucket.liftable) return;
  try {
    const lifted = registry.upcast(type, version, result.data).payload;
    const latest = bucket.latestSchema!.safeParse(lifted);
    if (!latest.success) {
      report.upcastFailures++;
      report.firstUpcastFailure ??= describe(row, lifted, latest.error.issues[0]);
    }
  } catch (error) {
    report.upcastFailures++;
    report.firstUpcastFailure ??= describe(row, payload, { path: [], message: `upcaster threw: ${(error as Error).message}` });
  }
}

function summarize(rows: TypeVersionReport[], scan: Omit<StoredEventCheckReport, 'rows' | 'totals' | 'problem'>): StoredEventCheckReport {
  rows.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
  const label = (r: TypeVersionReport) => `${r.type} v${r.version}`;
  const totals = {
    invalid: rows.reduce((n, r) => n + r.invalid, 0),
    upcastFailures: rows.reduce((n, r) => n + r.upcastFailures, 0),
    unknownTypes: [...new Set(rows.filter((r) => r.status === 'unknown-type').map((r) => r.type))],
    unknownVersions: rows.filter((r) => r.status === 'unknown-version').map(label),
    missingUpcasters: rows.filter((r) => r.reachesLatest === false).map(label),
  };
  const problem = totals.invalid > 0 || totals.upcastFailures > 0 || totals.unknownVersions.length > 0 || totals.missingUpcasters.length > 0;
  return { ...scan, rows, totals, problem };
}
