import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeadLetter } from '../src/core/journey/writers.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

// The shipped dlq-replay runbook end to end: its steps run the real binary (dlq list, dlq replay
// --execute) against a local replay endpoint, and its last step waits until the type's backlog,
// counted as check counts it (pending or retrying), is empty.
let db: TestDatabase;
let server: Server;
let apiUrl: string;
const posted: string[] = [];

const cli = (args: string[]) =>
  runInProcess(args, {
    env: {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_API_URL: apiUrl,
      MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
      MEDICALCOR_REDIS_PREFIX: uniquePrefix('dlq-runbook'),
      MEDICALCOR_ACTOR: 'alice@oncall',
    },
  });

beforeAll(async () => {
  db = await createTestDatabase('mc_dlq_runbook');
  await applySchema(db.url);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posted.push(req.url ?? '');
      res.writeHead(202).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [i, status] of (['pending', 'retrying', 'failed'] as const).entries()) {
    await addDeadLetter(db.pool, {
      webhookType: 'hubspot',
      correlationId: `corr-hubspot-${i}`,
      lastError: 'handler timeout',
      retryCount: 1,
      status,
      payload: { contact: i },
      createdAt: new Date(Date.now() - 3_600_000 + i * 1000),
    });
  }
  // another type's backlog is not this run's to drain
  await addDeadLetter(db.pool, { webhookType: 'stripe', lastError: 'x', status: 'pending', payload: {} });
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('the shipped dlq-replay runbook', () => {
  it('replays one type through dlq replay and finishes once none of that type is waiting', async () => {
    const run = await cli(['runbook', 'run', 'dlq-replay', '-p', 'webhookType=hubspot', '--execute', '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(posted).toEqual(['/webhooks/replay/hubspot', '/webhooks/replay/hubspot', '/webhooks/replay/hubspot']);
    const { rows } = await db.pool.query(
      'select webhook_type, status, count(*)::int as n from webhook_dead_letters group by 1, 2 order by 1, 2',
    );
    expect(rows).toEqual([
      { webhook_type: 'hubspot', status: 'processed', n: 3 },
      { webhook_type: 'stripe', status: 'pending', n: 1 },
    ]);
    const steps = await db.pool.query(
      `select s.step_id, s.status from runbook_step_runs s join runbook_runs r on r.id = s.run_id
        where r.runbook_id = 'dlq-replay' order by s.started_at`,
    );
    expect(steps.rows.map((s) => s.step_id)).toEqual(['backlog', 'requeue', 'drained']);
  });
});
