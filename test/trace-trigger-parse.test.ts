import { describe, expect, it } from 'vitest';
import { parseListRunsResponse, parseRetrievedRun, ResponseShapeError } from '../src/core/trigger/parse.js';
import { listRunsResponse, retrievedRun } from '../src/core/trigger/schemas.js';

/**
 * The client checks Trigger.dev's answers without zod (src/core/trigger/parse.ts) so a trace does not
 * load it; schemas.ts keeps the zod schemas as the documented shapes. The two must accept, reject
 * and return the same: every case below goes through both.
 */
const run = {
  id: 'run_1',
  status: 'FAILED',
  taskIdentifier: 'sync-hubspot',
  version: '20250716.1',
  isQueued: false,
  isFailed: true,
  isTest: false,
  createdAt: '2025-07-16T10:00:00.000Z',
  updatedAt: '2025-07-16T10:00:05.000Z',
  startedAt: '2025-07-16T10:00:01.000Z',
  finishedAt: '2025-07-16T10:00:05.000Z',
  tags: ['corr_abc'],
  durationMs: 4000,
  costInCents: 0.01,
  metadata: { extra: 'dropped' },
};
const without = (key: keyof typeof run) => Object.fromEntries(Object.entries(run).filter(([k]) => k !== key));

const pages: [string, unknown][] = [
  ['a full page', { data: [run, { ...run, id: 'run_2', status: 'SOME_FUTURE_STATUS' }], pagination: { next: 'c' } }],
  ['an empty page without cursors', { data: [], pagination: {} }],
  [
    'optional fields left out',
    { data: [without('version'), without('startedAt'), without('finishedAt')], pagination: {} },
  ],
  [
    'dates as numbers and null (coerced as zod does)',
    { data: [{ ...run, createdAt: 0, startedAt: null }], pagination: {} },
  ],
  ['a missing required field', { data: [without('taskIdentifier')], pagination: {} }],
  ['a wrong type', { data: [{ ...run, durationMs: '4000' }], pagination: {} }],
  ['a date that is not one', { data: [{ ...run, createdAt: 'yesterday' }], pagination: {} }],
  ['null where a string may be absent', { data: [{ ...run, version: null }], pagination: {} }],
  ['a tag that is not a string', { data: [{ ...run, tags: ['ok', 7] }], pagination: {} }],
  ['no pagination', { data: [] }],
  ['a cursor that is not a string', { data: [], pagination: { next: 3 } }],
  ['data not a list', { data: {}, pagination: {} }],
  ['not an object', [run]],
  ['null', null],
];

const retrieved: [string, unknown][] = [
  [
    'with attempts and an error',
    { ...run, attemptCount: 3, error: { message: 'boom', name: 'Error', stackTrace: 's' } },
  ],
  ['without attemptCount (0) or error', without('metadata')],
  ['an error without a message', { ...run, error: { name: 'Error' } }],
  ['attempts as text', { ...run, attemptCount: '3' }],
  ['an error that is a string', { ...run, error: 'boom' }],
];

/** What zod makes of a body: the value, or the path of its first issue. */
function viaZod(schema: typeof listRunsResponse | typeof retrievedRun, body: unknown) {
  const parsed = schema.safeParse(body);
  return parsed.success ? { value: parsed.data } : { path: parsed.error.issues[0]!.path.join('.') };
}

function viaParser(parse: (body: unknown) => unknown, body: unknown) {
  try {
    return { value: parse(body) };
  } catch (error) {
    if (!(error instanceof ResponseShapeError)) throw error;
    return { path: error.path };
  }
}

describe('the Trigger.dev response check agrees with the zod schemas', () => {
  it.each(pages)('runs list: %s', (_, body) => {
    expect(viaParser(parseListRunsResponse, body)).toEqual(viaZod(listRunsResponse, body));
  });

  it.each(retrieved)('retrieved run: %s', (_, body) => {
    expect(viaParser(parseRetrievedRun, body)).toEqual(viaZod(retrievedRun, body));
  });

  it('names where the body is wrong and how', () => {
    expect(() => parseListRunsResponse({ data: [{ ...run, durationMs: '4000' }], pagination: {} })).toThrow(
      'data.0.durationMs expected number, received string',
    );
    expect(() => parseRetrievedRun(null)).toThrow('(root) expected object, received null');
  });
});
