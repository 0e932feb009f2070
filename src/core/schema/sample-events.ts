import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { Pool } from '../db/pg.js';
import { z } from 'zod';
import { interrupted, invalidInput, problemFound } from '../errors.js';
import { maskText } from '../mask/index.js';
import type { EventRegistry } from '../events/registry.js';
import type { StoredEventCheckReport } from '../events/check.js';

/**
 * Sample events: what the platform stores, kept beside the migrations so `schema check` can load
 * them into the shadow after the migrations and run the events check on them (the same core
 * check `events check` runs on a live store). A registry or migration change that breaks stored
 * events then fails in CI, before deploy.
 */
/** One line of a .jsonl sample file: an event as a service appends it (only the type and payload are needed). */
const sampleLine = z
  .object({
    eventType: z.string().min(1),
    schemaVersion: z.number().int().positive().default(1),
    payload: z.unknown(),
    aggregateId: z.string().min(1).optional(),
    aggregateType: z.string().min(1).optional(),
    correlationId: z.string().min(1).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    occurredAt: z.string().datetime({ offset: true }).optional(),
  })
  .strict();

export interface SampleEventsResult {
  file: string;
  /** events loaded into the shadow */
  loaded: number;
  report: StoredEventCheckReport;
  /** the sample file's line of an event, by its global position in the shadow (.jsonl files) */
  lines: Record<number, number>;
}

type SampleLine = z.infer<typeof sampleLine>;

/** A sample file read and, for .jsonl, validated line by line: before any shadow is started. */
export type SampleEvents =
  | { file: string; kind: 'sql'; sql: string }
  | { file: string; kind: 'jsonl'; events: { line: number; event: SampleLine }[] };

export function readSampleEvents(file: string): SampleEvents {
  const text = readSampleFile(file);
  if (file.endsWith('.sql')) return { file, kind: 'sql', sql: text };
  const events = text.split('\n').flatMap((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('//')) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw badLine(file, index + 1, (error as Error).message);
    }
    const event = sampleLine.safeParse(parsed);
    if (!event.success) {
      const issue = event.error.issues[0]!;
      throw badLine(file, index + 1, `${issue.path.join('.') || '(line)'}: ${issue.message}`);
    }
    return [{ line: index + 1, event: event.data }];
  });
  return { file, kind: 'jsonl', events };
}

/**
 * Loads the sample events into the shadow at `url` (.jsonl lines through the core event writer,
 * a .sql seed as it is) and checks every stored event against `registry`.
 */
export async function checkSampleEvents(
  url: string,
  sample: SampleEvents,
  registry: EventRegistry,
  signal?: AbortSignal,
): Promise<SampleEventsResult> {
  // one connection: the embedded shadow serves one transaction at a time
  const pool = new Pool({ connectionString: url, max: 1, application_name: 'medicalcor schema (sample events)' });
  pool.on('error', () => {});
  try {
    const lines: Record<number, number> = {};
    const loaded = sample.kind === 'sql' ? await loadSql(pool, sample) : await loadJsonLines(pool, sample, lines);
    const { checkStoredEvents } = await import('../events/check.js');
    const report = await checkStoredEvents(pool, registry, { signal });
    if (report.interrupted || signal?.aborted)
      throw interrupted('Interrupted; the shadow database was removed.', { code: 'schema.interrupted' });
    return { file: sample.file, loaded, report, lines };
  } finally {
    await pool.end().catch(() => {});
  }
}

function readSampleFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw invalidInput(`Cannot read the sample events file ${file}: ${(error as Error).message.split('\n')[0]}`, {
      code: 'schema.sample-events-unreadable',
      facts: { file },
    });
  }
}

const doesNotLoad = (file: string, error: unknown, remedy: string) =>
  problemFound(`The sample events in ${file} do not load into the migrated shadow: ${loadError(error)}`, {
    code: 'schema.sample-events-do-not-load',
    facts: { file },
    remedy,
  });

async function loadSql(pool: pg.Pool, sample: { file: string; sql: string }): Promise<number> {
  try {
    await pool.query(sample.sql);
  } catch (error) {
    throw doesNotLoad(sample.file, error, 'A migration changed a table the seed writes, or the seed is wrong.');
  }
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM domain_events');
  return rows[0].n as number;
}

async function loadJsonLines(
  pool: pg.Pool,
  sample: Extract<SampleEvents, { kind: 'jsonl' }>,
  lines: Record<number, number>,
): Promise<number> {
  const { appendDomainEvent } = await import('../journey/writers.js');
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const { line, event } of sample.events) {
      const appended = await appendDomainEvent(client, {
        eventType: event.eventType,
        schemaVersion: event.schemaVersion,
        payload: event.payload,
        aggregateId: event.aggregateId ?? `sample-${line}`,
        aggregateType: event.aggregateType ?? 'Sample',
        correlationId: event.correlationId ?? `sample-events-${line}`,
        metadata: event.metadata,
        occurredAt: event.occurredAt ? new Date(event.occurredAt) : undefined,
      });
      lines[appended.globalPosition] = line;
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw doesNotLoad(sample.file, error, 'A migration changed domain_events so the event writer no longer fits it.');
  } finally {
    client.release();
  }
  return sample.events.length;
}

function badLine(file: string, line: number, message: string) {
  return invalidInput(`${file}:${line} is not a sample event: ${message.split('\n')[0]}`, {
    code: 'schema.sample-events-invalid',
    facts: { file, line },
    remedy: 'Each line is one JSON object: { "eventType", "schemaVersion", "payload", … }.',
  });
}

/** A server's error may quote the row (a key's value): masked, one line. */
const loadError = (error: unknown) => maskText((error as Error).message.split('\n')[0]!);
