import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeadLetter } from '../src/core/journey/writers.js';
import { spawnCli } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;
let server: Server;
let apiUrl: string;
let posted = 0;
let firstPost: () => void;
const firstPostSeen = new Promise<void>((r) => (firstPost = r));

beforeAll(async () => {
  db = await createTestDatabase('mc_dlq_interrupt');
  await applySchema(db.url);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posted++;
      firstPost();
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (let i = 0; i < 10; i++) {
    await addDeadLetter(db.pool, {
      webhookType: 'hubspot',
      lastError: 'timeout',
      payload: { i },
      createdAt: new Date(Date.now() - (100 - i) * 1000),
    });
  }
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('dlq replay interrupted', () => {
  it('Ctrl-C stops before the next post: exit 130, what was posted is recorded, the rest is unchanged', async () => {
    const child = spawnCli(['dlq', 'replay', '--execute', '--rate', '2/s', '-o', 'json'], {
      env: {
        MEDICALCOR_DATABASE_URL: db.url,
        MEDICALCOR_API_URL: apiUrl,
        MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
        MEDICALCOR_REDIS_PREFIX: uniquePrefix('dlq-int'),
      },
    });
    await firstPostSeen;
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(130);
    const report = JSON.parse(String(result.stdout));
    expect(report.interrupted).toBe(true);
    const replayed = report.entries.filter((e: any) => e.outcome === 'replayed').length;
    expect(replayed).toBeGreaterThanOrEqual(1);
    expect(replayed).toBeLessThan(10);
    expect(replayed).toBe(posted);
    const { rows } = await db.pool.query(
      `select status, count(*)::int as n from webhook_dead_letters group by status order by status`,
    );
    expect(rows).toEqual([
      { status: 'pending', n: 10 - replayed },
      { status: 'processed', n: replayed },
    ]);
    const audit = await db.pool.query(
      `select count(*)::int as n from event_store_operations where operation = 'dlq.replay'`,
    );
    expect(audit.rows[0].n).toBe(replayed);
  }, 60_000);
});
