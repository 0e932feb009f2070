import type { ListedRun, RetrievedRun } from './schemas.js';

/**
 * The client's check of Trigger.dev responses, without zod: a trace validates every page it
 * reads, and loading zod costs a `trace` more than the whole check. It accepts and returns exactly
 * what the zod schemas of schemas.ts do (test/trace-trigger-parse.test.ts holds the two together):
 * unknown keys dropped, dates coerced, `attemptCount` defaulting to 0.
 */
export class ResponseShapeError extends Error {
  constructor(
    /** where in the body, e.g. "data.0.createdAt" ("" for the root) */
    readonly path: string,
    /** what was wrong there */
    readonly problem: string,
  ) {
    super(`${path || '(root)'} ${problem}`);
    this.name = 'ResponseShapeError';
  }
}

type Json = Record<string, unknown>;

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ResponseShapeError(path, `expected object, received ${kind(value)}`);
  return value as Json;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ResponseShapeError(path, `expected string, received ${kind(value)}`);
  return value;
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ResponseShapeError(path, `expected number, received ${kind(value)}`);
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ResponseShapeError(path, `expected boolean, received ${kind(value)}`);
  return value;
}

/** z.coerce.date(): whatever `new Date()` makes a valid date of */
function date(value: unknown, path: string): Date {
  const parsed = new Date(value as string);
  if (Number.isNaN(parsed.getTime())) throw new ResponseShapeError(path, 'expected date, received Invalid Date');
  return parsed;
}

/** `.optional()`: absent (undefined) passes as undefined; null does not */
function optional<T>(check: (value: unknown, path: string) => T, value: unknown, path: string): T | undefined {
  return value === undefined ? undefined : check(value, path);
}

function strings(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new ResponseShapeError(path, `expected array, received ${kind(value)}`);
  return value.map((item, i) => string(item, at(path, i)));
}

/** The fields a listed and a retrieved run share, in the order zod reports them. */
function runFields(value: unknown, path: string): ListedRun {
  const run = object(value, path);
  const field = (key: string) => at(path, key);
  const parsed: ListedRun = {
    id: string(run.id, field('id')),
    status: string(run.status, field('status')),
    taskIdentifier: string(run.taskIdentifier, field('taskIdentifier')),
    version: optional(string, run.version, field('version')),
    isFailed: boolean(run.isFailed, field('isFailed')),
    isTest: boolean(run.isTest, field('isTest')),
    createdAt: date(run.createdAt, field('createdAt')),
    updatedAt: date(run.updatedAt, field('updatedAt')),
    startedAt: optional(date, run.startedAt, field('startedAt')),
    finishedAt: optional(date, run.finishedAt, field('finishedAt')),
    tags: strings(run.tags, field('tags')),
    durationMs: number(run.durationMs, field('durationMs')),
    costInCents: number(run.costInCents, field('costInCents')),
  };
  // zod leaves an absent optional key out, rather than present and undefined
  for (const key of ['version', 'startedAt', 'finishedAt'] as const) if (parsed[key] === undefined) delete parsed[key];
  return parsed;
}

/** GET /api/v1/runs: a page of runs and its cursors. */
export function parseListRunsResponse(body: unknown): {
  data: ListedRun[];
  pagination: { next?: string; previous?: string };
} {
  const page = object(body, '');
  if (!Array.isArray(page.data)) throw new ResponseShapeError('data', `expected array, received ${kind(page.data)}`);
  const data = page.data.map((run, i) => runFields(run, at('data', i)));
  const cursors = object(page.pagination, 'pagination');
  const pagination: { next?: string; previous?: string } = {};
  const next = optional(string, cursors.next, 'pagination.next');
  const previous = optional(string, cursors.previous, 'pagination.previous');
  if (next !== undefined) pagination.next = next;
  if (previous !== undefined) pagination.previous = previous;
  return { data, pagination };
}

/** GET /api/v3/runs/{id}: one run with its attempts and error. */
export function parseRetrievedRun(body: unknown): RetrievedRun {
  const run = object(body, '');
  const parsed: RetrievedRun = {
    ...runFields(run, ''),
    attemptCount: run.attemptCount === undefined ? 0 : number(run.attemptCount, 'attemptCount'),
  };
  if (run.error !== undefined) {
    const error = object(run.error, 'error');
    parsed.error = { message: string(error.message, 'error.message') };
    const name = optional(string, error.name, 'error.name');
    const stackTrace = optional(string, error.stackTrace, 'error.stackTrace');
    if (name !== undefined) parsed.error.name = name;
    if (stackTrace !== undefined) parsed.error.stackTrace = stackTrace;
  }
  return parsed;
}
