import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderTraceWaterfall } from '../src/commands/render/trace-waterfall.js';
import { traceJourney, type Trace } from '../src/core/journey/index.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { writeFailedJourney } from './trace-fixture.js';

let db: TestDatabase;
let trace: Trace;

beforeAll(async () => {
  db = await createTestDatabase('mc_waterfall');
  await applySchema(db.url);
  const journey = await writeFailedJourney(db.pool, 'waterfall-width-journey', new Date(Date.now() - 20 * 60_000));
  trace = await traceJourney(
    { database: { pool: db.pool }, trigger: { skipped: 'not configured' } },
    { correlationId: journey.correlationId, since: new Date(0), timeoutMs: 10_000, limit: 100 },
  );
});
afterAll(async () => db?.drop());

function render(width: number | undefined): string[] {
  const chunks: string[] = [];
  const out = new Writable({ write: (c, _e, done) => (chunks.push(String(c)), done()) });
  const io = {
    stdout: out,
    stderr: out,
    stdin: Readable.from([]),
    color: false,
    interactive: false,
    secrets: [],
    width,
  };
  renderTraceWaterfall(io, trace);
  return chunks.join('').split('\n');
}

describe('the waterfall scales to the terminal', () => {
  it.each([80, 120, 200])('every bar line fits %i columns', (width) => {
    const lanes = render(width).filter((line) => line.includes('|'));
    expect(lanes.length).toBe(trace.items.length);
    for (const line of lanes) expect([...line].length).toBeLessThanOrEqual(width);
  });

  it('piped (no width) keeps the full layout, wider than 80 columns', () => {
    const lanes = render(undefined).filter((line) => line.includes('|'));
    expect(Math.max(...lanes.map((l) => [...l].length))).toBeGreaterThan(80);
  });
});
