/**
 * The replay endpoint's credential: read from the variable the config names, sent with every
 * post, never printed (stdout, stderr, --debug, last_error, audit rows), and a replay refused
 * before anything is posted when the variable is unset. A local HTTP server is the endpoint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDeadLetter } from '../src/core/journey/writers.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { redisConnections, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

const TOKEN = 'rpl_Zq81mXv42LkT9sWe';
let db: TestDatabase;
let server: Server;
let dir: string;
const prefix = uniquePrefix('dlq-auth');
const { closeAll } = redisConnections(prefix);
const posts: { type: string; headers: Record<string, string | string[] | undefined> }[] = [];

const env = (extra: Record<string, string> = {}) => ({
  MEDICALCOR_DATABASE_URL: db.url,
  MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
  MEDICALCOR_REDIS_PREFIX: prefix,
  MEDICALCOR_ACTOR: 'alice@oncall',
  ...extra,
});
const cli = (args: string[], extra: Record<string, string> = {}) => runInProcess(args, { env: env(extra), cwd: dir });
const letter = async (type: 'whatsapp' | 'stripe' | 'hubspot') =>
  (
    await addDeadLetter(db.pool, {
      webhookType: type,
      correlationId: `corr-auth-${type}`,
      lastError: 'handler timeout',
      status: 'pending',
      payload: { text: 'hello' },
    })
  ).id;
const row = async (id: string) =>
  (await db.pool.query('select status, retry_count, last_error from webhook_dead_letters where id = $1', [id])).rows[0];
const audits = async () =>
  (await db.pool.query(`select * from event_store_operations where operation = 'dlq.replay' order by id`)).rows;

beforeAll(async () => {
  db = await createTestDatabase('mc_dlq_auth');
  await applySchema(db.url);
  // the platform's replay endpoint: 401 without the right credential; the Stripe handler fails
  // and echoes the credential it got back in its error body (the CLI must not keep it)
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const type = /\/replay\/([a-z]+)$/.exec(req.url ?? '')?.[1] ?? '?';
      posts.push({ type, headers: req.headers });
      const given = req.headers.authorization ?? req.headers['x-replay-token'];
      if (given !== `Bearer ${TOKEN}` && given !== TOKEN) return res.writeHead(401).end('missing credential');
      if (type === 'stripe') return res.writeHead(500).end(`stripe handler failed for token ${TOKEN}`);
      res.writeHead(202).end('{"accepted":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/replay/:type`;
  dir = mkdtempSync(join(tmpdir(), 'mc-dlq-auth-'));
  writeFileSync(
    join(dir, 'medicalcor.config.yaml'),
    `defaultEnv: staging
environments:
  staging:
    dlqReplayUrl: ${url}
    dlqReplayToken: { env: TEST_DLQ_REPLAY_TOKEN }
  custom:
    dlqReplayUrl: ${url}
    dlqReplayToken: { env: TEST_DLQ_REPLAY_TOKEN }
    dlqReplayTokenHeader: X-Replay-Token
`,
  );
}, 60_000);

afterAll(async () => {
  await closeAll();
  await new Promise((r) => server?.close(r));
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dlq replay credential', () => {
  it('an unset token variable refuses --execute before anything is posted; a dry run does not need it', async () => {
    const id = await letter('whatsapp');
    const refused = await cli(['dlq', 'replay', '--execute']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('environments.staging.dlqReplayToken names environment variable');
    expect(refused.stderr).toContain('TEST_DLQ_REPLAY_TOKEN, which is not set');
    expect(refused.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    expect(posts).toHaveLength(0);
    expect(await row(id)).toMatchObject({ status: 'pending', retry_count: 0 });
    expect(await audits()).toHaveLength(0);
    const dry = await cli(['dlq', 'replay', '-o', 'json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('TEST_DLQ_REPLAY_TOKEN (dlqReplayToken) is not set; --execute would be refused');
    expect(JSON.parse(dry.stdout).entries.map((e: { id: string }) => e.id)).toContain(id);
    // other commands of the environment do not need the replay token either
    expect((await cli(['dlq', 'list'])).exitCode).toBe(0);
    await cli(['dlq', 'discard', id, '--reason', 'test set-up']);
  });

  it('sends "Authorization: Bearer <token>" and never prints or stores the token', async () => {
    const ok = await letter('whatsapp');
    const failing = await letter('stripe');
    const before = posts.length;
    const result = await cli(['--debug', 'dlq', 'replay', '--execute', '-o', 'json'], {
      TEST_DLQ_REPLAY_TOKEN: TOKEN,
    });
    expect(result.exitCode, result.stderr).toBe(3);
    const sent = posts.slice(before);
    expect(sent.map((p) => p.type).sort()).toEqual(['stripe', 'whatsapp']);
    for (const p of sent) expect(p.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(await row(ok)).toMatchObject({ status: 'processed', retry_count: 1 });
    const failed = await row(failing);
    expect(failed).toMatchObject({ status: 'retrying', retry_count: 1 });
    expect(failed.last_error).toMatch(/^HTTP 500: stripe handler failed for/);
    const rows = await audits();
    expect(rows).toHaveLength(2);
    for (const text of [result.stdout, result.stderr, failed.last_error, JSON.stringify(rows)]) {
      expect(text).not.toContain(TOKEN);
    }
    // the table view and its errors too
    const again = await letter('stripe');
    const table = await cli(['--debug', 'dlq', 'replay', '--id', again, '--execute'], { TEST_DLQ_REPLAY_TOKEN: TOKEN });
    expect(table.exitCode).toBe(3);
    expect(table.stdout + table.stderr).not.toContain(TOKEN);
    expect(JSON.stringify(await audits())).not.toContain(TOKEN);
  });

  it('dlqReplayTokenHeader sends the bare token in that header instead', async () => {
    const id = await letter('hubspot');
    const before = posts.length;
    const result = await cli(['--env', 'custom', 'dlq', 'replay', '--id', id, '--execute'], {
      TEST_DLQ_REPLAY_TOKEN: TOKEN,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const sent = posts.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers['x-replay-token']).toBe(TOKEN);
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(await row(id)).toMatchObject({ status: 'processed' });
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
  });
});
