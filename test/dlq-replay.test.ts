import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerStore } from '../src/core/breakers/index.js';
import { addDeadLetter } from '../src/core/journey/writers.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { redisConnections, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;
let server: Server;
let apiUrl: string;
const prefix = uniquePrefix('dlq-replay');
const { connect, closeAll } = redisConnections(prefix);
const posts: { type: string; body: any; headers: Record<string, unknown> }[] = [];
const ids: Record<string, string[]> = { stripe: [], whatsapp: [] };
let processedId: string;

const env = () => ({
  MEDICALCOR_DATABASE_URL: db.url,
  MEDICALCOR_API_URL: apiUrl,
  MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
  MEDICALCOR_REDIS_PREFIX: prefix,
  MEDICALCOR_ACTOR: 'alice@oncall',
});
const cli = (args: string[], extra: Record<string, string> = {}) => runInProcess(args, { env: { ...env(), ...extra } });
const row = async (id: string) =>
  (await db.pool.query('select status, retry_count, last_error from webhook_dead_letters where id = $1', [id])).rows[0];

beforeAll(async () => {
  db = await createTestDatabase('mc_dlq');
  await applySchema(db.url);
  // the platform's replay endpoint: the Stripe handler is down, WhatsApp works
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const type = /^\/webhooks\/replay\/([a-z]+)$/.exec(req.url ?? '')?.[1] ?? '?';
      posts.push({ type, body: JSON.parse(body), headers: req.headers });
      if (type === 'stripe') {
        res.writeHead(503).end('stripe handler unavailable for patient +40 722 123 456');
      } else res.writeHead(202).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = Date.now() - 3_600_000;
  // interleaved, oldest first: s w s w s w s s s
  const order = [
    'stripe',
    'whatsapp',
    'stripe',
    'whatsapp',
    'stripe',
    'whatsapp',
    'stripe',
    'stripe',
    'stripe',
  ] as const;
  for (const [i, type] of order.entries()) {
    const { id } = await addDeadLetter(db.pool, {
      webhookType: type,
      correlationId: `corr-${type}-${i}`,
      lastError: 'handler timeout',
      retryCount: 1,
      status: i % 3 === 0 ? 'failed' : 'pending',
      payload: { from: '+40722123456', name: 'Maria Ionescu', text: `appointment ${i}` },
      createdAt: new Date(base + i * 1000),
    });
    ids[type]!.push(id);
  }
  processedId = (
    await addDeadLetter(db.pool, {
      webhookType: 'whatsapp',
      lastError: 'x',
      status: 'processed',
      payload: {},
      createdAt: new Date(base - 1000),
    })
  ).id;
}, 60_000);

afterAll(async () => {
  await closeAll();
  await new Promise((r) => server?.close(r));
  await db?.drop();
});

describe('dlq list and show', () => {
  it('lists oldest first with filters; bad filters are usage errors', async () => {
    const all = await cli(['dlq', 'list', '-o', 'json']);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).map((d: any) => d.id)).toEqual([
      processedId,
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
        i % 2 && i < 6 ? ids.whatsapp![(i - 1) / 2] : ids.stripe![[0, 2, 4, 6, 7, 8].indexOf(i)],
      ),
    ]);
    const failed = await cli(['dlq', 'list', '--status', 'failed', '--type', 'stripe', '-o', 'json']);
    expect(JSON.parse(failed.stdout).map((d: any) => d.id)).toEqual([ids.stripe![0], ids.stripe![3]]);
    const table = await cli(['dlq', 'list', '--type', 'whatsapp']);
    expect(table.stdout).toMatch(/whatsapp\s+processed/);
    const bad = await cli(['dlq', 'list', '--type', 'telegram']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Unknown webhook type "telegram"');
  });

  it('show masks the payload and links the trace', async () => {
    const shown = await cli(['dlq', 'show', ids.whatsapp![0]!]);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`medicalcor trace corr-whatsapp-1`);
    expect(shown.stdout).toContain('appointment 1');
    expect(shown.stdout).not.toMatch(/722123456|Ionescu/);
    const missing = await cli(['dlq', 'show', '00000000-0000-4000-8000-000000000000']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('No dead letter 00000000-0000-4000-8000-000000000000');
    expect((await cli(['dlq', 'show', 'nope'])).exitCode).toBe(2);
  });
});

describe('dlq replay', () => {
  it('is a dry run by default: lists what would be posted, posts nothing, changes nothing', async () => {
    const result = await cli(['dlq', 'replay', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.entries).toHaveLength(9);
    expect(report.entries.every((e: any) => e.outcome === 'would-replay')).toBe(true);
    expect(posts).toHaveLength(0);
    expect(await row(ids.stripe![0]!)).toMatchObject({ status: 'failed', retry_count: 1 });
  });

  it('--execute: the failing type opens its breaker and stops; the other type is replayed in full', async () => {
    const result = await cli(['dlq', 'replay', '--execute', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    const byType = Object.fromEntries(report.types.map((t: any) => [t.webhookType, t]));
    expect(byType.whatsapp).toMatchObject({ replayed: 3, failed: 0, skipped: 0, stopped: false });
    expect(byType.stripe).toMatchObject({ replayed: 0, failed: 5, skipped: 1, stopped: true, breaker: 'dlq-stripe' });
    // the endpoint saw 5 Stripe posts (then the breaker held the 6th back) and every WhatsApp one
    expect(posts.filter((p) => p.type === 'stripe')).toHaveLength(5);
    expect(posts.filter((p) => p.type === 'whatsapp').map((p) => p.body.id)).toEqual(ids.whatsapp);
    expect(posts[1]!.headers['idempotency-key']).toBe(`dlq-${ids.whatsapp![0]}`);
    expect(posts[1]!.body.payload.from).toBe('+40722123456');
    for (const id of ids.whatsapp!) expect(await row(id)).toMatchObject({ status: 'processed', retry_count: 2 });
    const firstStripe = await row(ids.stripe![0]!);
    expect(firstStripe).toMatchObject({ status: 'retrying', retry_count: 2 });
    expect(firstStripe.last_error).toMatch(/^HTTP 503: stripe handler unavailable/);
    expect(firstStripe.last_error).not.toContain('722 123 456');
    expect(await row(ids.stripe![5]!)).toMatchObject({ retry_count: 1, last_error: 'handler timeout' });
    const store = new BreakerStore(connect(), { keyPrefix: prefix });
    expect((await store.get('dlq-stripe'))?.state).toBe('open');
    expect((await store.get('dlq-whatsapp'))?.state ?? 'closed').toBe('closed');
    const audit = (
      await db.pool.query(
        `select target, outcome, actor, details from event_store_operations where operation = 'dlq.replay' order by id`,
      )
    ).rows;
    expect(audit).toHaveLength(8);
    expect(audit.filter((a) => a.outcome === 'succeeded').map((a) => a.target)).toEqual(ids.whatsapp);
    // the phone number, not "722" anywhere: a random UUID may hold those digits
    expect(JSON.stringify(audit)).not.toMatch(/722 ?123 ?456|Ionescu/);
  });

  it('while the breaker stays open, a replay of that type posts nothing', async () => {
    const before = posts.length;
    const result = await cli(['dlq', 'replay', '--type', 'stripe', '--execute']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(
      'stripe: 0 replayed, 0 failed, 6 skipped (breaker dlq-stripe open); stopped: breaker open.',
    );
    expect(posts.length).toBe(before);
  });

  it('needs a replay endpoint and a sane rate', async () => {
    const none = await cli(['dlq', 'replay', '--execute'], { MEDICALCOR_API_URL: '' });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('names no webhook replay endpoint');
    const rate = await cli(['dlq', 'replay', '--rate', 'fast']);
    expect(rate.exitCode).toBe(2);
    expect(rate.stderr).toContain('--rate "fast" is not a rate');
  });
});

describe('dlq discard', () => {
  it('discards with a reason and an audit row; refuses all when one is already processed', async () => {
    const refused = await cli(['dlq', 'discard', ids.stripe![1]!, processedId, '--reason', 'dup']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${processedId} is already processed; nothing was discarded`);
    expect((await row(ids.stripe![1]!)).status).not.toBe('discarded');
    const done = await cli(['dlq', 'discard', ids.stripe![1]!, '--reason', 'duplicate charge webhook, INC-42']);
    expect(done.exitCode, done.stderr).toBe(0);
    expect((await row(ids.stripe![1]!)).status).toBe('discarded');
    const audit = (
      await db.pool.query(
        `select details from event_store_operations where operation = 'dlq.discard' and target = $1`,
        [ids.stripe![1]],
      )
    ).rows;
    expect(audit[0].details).toMatchObject({ reason: 'duplicate charge webhook, INC-42', previousStatus: 'retrying' });
    const list = await cli(['dlq', 'replay', '--type', 'stripe', '-o', 'json']);
    expect(JSON.parse(list.stdout).entries.map((e: any) => e.id)).not.toContain(ids.stripe![1]);
  });
});
