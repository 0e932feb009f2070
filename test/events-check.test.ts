import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendDomainEvent } from '../src/core/journey/writers.js';
import { spawnCli, repoRoot } from './helpers/cli.js';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let dir: string;
let invalidId: string;
const at = '2026-11-20T10:00:00.000Z';

const cli = (args: string[]) => runInProcess(args, { env: { MEDICALCOR_DATABASE_URL: db.url } });

beforeAll(async () => {
  db = await createTestDatabase('mc_events_check');
  await applySchema(db.url);
  dir = mkdtempSync(join(tmpdir(), 'mc-events-'));
  const append = (aggregateId: string, eventType: string, schemaVersion: number, payload: unknown) =>
    appendDomainEvent(db.pool, {
      aggregateId,
      aggregateType: 'Lead',
      eventType,
      schemaVersion,
      payload,
      correlationId: `corr-${aggregateId}`,
    });
  await append('l-1', 'LeadCreated', 1, {
    leadId: 'l-1',
    phone: '+40722123456',
    name: 'Ana Pop',
    source: 'whatsapp',
    createdAt: at,
  });
  await append('l-1', 'LeadScored', 1, { leadId: 'l-1', score: 85, model: 'gpt-4o', scoredAt: at });
  await append('l-2', 'LeadCreated', 2, {
    leadId: 'l-2',
    contact: { phone: '+40733111222' },
    source: 'web',
    createdAt: at,
  });
  // a service wrote a national number without the country code, and a name: both must stay off the screen
  invalidId = (
    await append('l-3', 'LeadCreated', 2, {
      leadId: 'l-3',
      contact: { phone: '0744 987 654', name: 'Ion Ionescu' },
      source: 'voice',
      createdAt: at,
    })
  ).id;
  await append('l-3', 'LeadScored', 2, {
    leadId: 'l-3',
    score: 40,
    classification: 'COLD',
    confidence: 0.7,
    model: 'gpt-4o',
    scoredAt: at,
  });
  await append('l-4', 'LeadLost', 3, { leadId: 'l-4', reason: 'price', lostAt: at });
  await append('l-5', 'WebhookNoise', 1, { anything: true });
}, 60_000);

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('events check', () => {
  it('reports per type and version, the first invalid event with its path and a masked value; exit 3', async () => {
    const result = await cli(['events', 'check', '--all', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.scanned).toBe(7);
    const row = (type: string, version: number) =>
      report.rows.find((r: any) => r.type === type && r.version === version);
    expect(row('LeadCreated', 1)).toMatchObject({
      count: 1,
      invalid: 0,
      status: 'registered',
      reachesLatest: true,
      upcastFailures: 0,
    });
    expect(row('LeadCreated', 2)).toMatchObject({ count: 2, invalid: 1 });
    expect(row('LeadCreated', 2).firstInvalid).toMatchObject({
      eventId: invalidId,
      path: 'contact.phone',
      value: '[masked]',
    });
    expect(row('LeadLost', 3)).toMatchObject({ status: 'unknown-version', latestVersion: 1 });
    expect(report.totals).toMatchObject({
      invalid: 1,
      unknownTypes: ['WebhookNoise'],
      unknownVersions: ['LeadLost v3'],
    });
    expect(result.stdout).not.toContain('987');
    expect(result.stdout).not.toContain('Ionescu');
  });

  it('the table names the invalid event and never the stored phone number', async () => {
    const result = await cli(['events', 'check', '--all']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/LeadCreated\s+2\s+2\s+1\s+0\s+INVALID/);
    expect(result.stdout).toContain(`event ${invalidId}`);
    expect(result.stdout).toContain('contact.phone');
    expect(result.stdout).toContain('Unknown versions: LeadLost v3.');
    expect(result.stdout + result.stderr).not.toMatch(/987|Ionescu/);
  });

  it('exits 0 when the selected events are valid; --sample takes the newest N', async () => {
    const scored = await cli(['events', 'check', '--type', 'LeadScored', '--all', '-o', 'json']);
    expect(scored.exitCode, scored.stdout).toBe(0);
    expect(JSON.parse(scored.stdout).scanned).toBe(2);
    const sample = await cli(['events', 'check', '--sample', '2', '-o', 'json']);
    const report = JSON.parse(sample.stdout);
    expect(report.scanned).toBe(2);
    expect(report.rows.map((r: any) => r.type).sort()).toEqual(['LeadLost', 'WebhookNoise']);
    const after = await cli(['events', 'check', '--after', '5', '-o', 'json']);
    expect(JSON.parse(after.stdout).scanned).toBe(2);
  });

  it('--against-registry: a proposed registry that drops an upcaster fails on the stored v1 events', async () => {
    const file = join(dir, 'proposed.json');
    expect((await cli(['events', 'schemas', '--export', file])).exitCode).toBe(0);
    const registry = JSON.parse(readFileSync(file, 'utf8'));
    registry.events.find((e: any) => e.type === 'LeadCreated').versions[0].upcaster = false;
    writeFileSync(file, JSON.stringify(registry));
    const result = await cli([
      'events',
      'check',
      '--all',
      '--type',
      'LeadCreated,LeadScored',
      '--against-registry',
      file,
      '-o',
      'json',
    ]);
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout).totals.missingUpcasters).toEqual(['LeadCreated v1']);
    const schemas = await cli(['events', 'schemas', '--against-registry', file]);
    expect(schemas.exitCode).toBe(3);
    expect(schemas.stdout).toContain('1→2 MISSING');
  });

  it('--against-registry takes an ES module exporting the registry', async () => {
    const file = join(dir, 'proposed.mjs');
    writeFileSync(
      file,
      `
      import { z } from '${repoRoot}node_modules/zod/index.js';
      import { defineEvent, EventRegistry, platformEventDefinitions } from '${repoRoot}dist/core/index.js';
      const strictLost = defineEvent({ type: 'LeadLost', aggregateType: 'Lead', description: '', versions: [
        { version: 1, schema: z.object({}), upcast: (p) => p }, { version: 2, schema: z.object({}), upcast: (p) => p },
        { version: 3, schema: z.object({ leadId: z.string(), reason: z.literal('price'), lostAt: z.string() }) } ] });
      export const registry = new EventRegistry([
        ...platformEventDefinitions.filter((d) => d.type !== 'LeadLost'),
        strictLost,
      ]);
    `,
    );
    const result = await cli([
      'events',
      'check',
      '--all',
      '--type',
      'LeadLost',
      '--against-registry',
      file,
      '-o',
      'json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).rows[0]).toMatchObject({
      type: 'LeadLost',
      version: 3,
      status: 'registered',
      invalid: 0,
    });
  });

  it('parallel readers over one snapshot report exactly what one reader does, first invalid by position', async () => {
    const { checkStoredEvents, platformEvents } = await import('../src/core/events/index.js');
    const one = await checkStoredEvents(db.pool, platformEvents(), { batchSize: 1, parallel: 1 });
    const three = await checkStoredEvents(db.pool, platformEvents(), { batchSize: 1, parallel: 3 });
    const strip = (r: typeof one) => ({ ...r, durationMs: 0 });
    expect(strip(three)).toEqual(strip(one));
    expect(three.rows.find((r) => r.type === 'LeadCreated' && r.version === 2)?.firstInvalid?.eventId).toBe(invalidId);
  });

  it('bad input is a usage error naming what is wrong', async () => {
    const both = await cli(['events', 'check', '--all', '--sample', '5']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--all and --sample cannot be used together');
    const missing = await cli(['events', 'check', '--against-registry', join(dir, 'nope.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the registry file/);
    const since = await cli(['events', 'check', '--since', 'yesterday']);
    expect(since.exitCode).toBe(2);
  });
});

describe('events check interrupted', () => {
  it('Ctrl-C stops with 130 and prints the cursor; resuming from it checks the rest', async () => {
    await db.pool.query(`
      INSERT INTO domain_events
             (aggregate_id, aggregate_type, version, event_type, schema_version, payload, correlation_id)
      SELECT 'bulk-' || g, 'Lead', 1, 'LeadQualified', 1,
             jsonb_build_object('leadId', 'bulk-' || g, 'classification', 'WARM', 'qualifiedBy', 'ai',
                                'qualifiedAt', '${at}'), 'c-' || g
        FROM generate_series(1, 300000) g`);
    const child = spawnCli(
      ['events', 'check', '--all', '--batch-size', '500', '--type', 'LeadQualified', '-o', 'json'],
      { env: { MEDICALCOR_DATABASE_URL: db.url } },
    );
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (chunk) => {
        stderr += String(chunk);
        if (stderr.includes('events read')) resolve();
      });
    });
    child.kill('SIGINT');
    const result = await child;
    const out = String(result.stdout);
    const err = String(result.stderr);
    expect(result.exitCode, err).toBe(130);
    const cursor = /resume with: medicalcor events check --after (\d+) --all --type LeadQualified/.exec(err);
    expect(cursor, err).not.toBeNull();
    const partial = JSON.parse(out);
    expect(partial.interrupted).toBe(true);
    expect(partial.scanned).toBeLessThan(300_000);
    const rest = await cli([
      'events',
      'check',
      '--all',
      '--type',
      'LeadQualified',
      '--after',
      cursor![1]!,
      '-o',
      'json',
    ]);
    expect(rest.exitCode, rest.stderr).toBe(0);
    expect(JSON.parse(rest.stdout).scanned + partial.scanned).toBe(300_000);
    const { rows } = await db.pool.query(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state like 'idle in transaction%'`,
    );
    expect(rows[0].n).toBe(0);
  }, 120_000);
});

describe('events check reads with COPY', () => {
  // a field with every character COPY's text format escapes, a JSON quote, and multi-byte UTF-8
  const odd = 'Odd\tType\\ \n\r\b\f\v';
  const piece = 'é🦷"\\\t\n\u0001';

  it('rows cut across network chunks, multi-byte text and escapes come back exactly as stored', async () => {
    const { copyEventRows } = await import('../src/core/events/copy-rows.js');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `CREATE TEMP TABLE odd_rows ON COMMIT DROP AS
        SELECT g::bigint AS p, CASE WHEN g % 2 = 0 THEN $1 ELSE 'Plain' END AS t, g % 7 + 1 AS v,
               jsonb_build_object('text', repeat($2, g % 300), 'g', g) AS d
          FROM generate_series(1, 3000) g`,
        [odd, piece],
      );
      const seen: [number, string, number, string][] = [];
      const read = await copyEventRows(client, 'SELECT p, t, v, d FROM odd_rows ORDER BY p', (...row) => {
        seen.push(row);
      });
      expect(read).toEqual({ rows: 3000, last: 3000 });
      seen.forEach(([position, type, version, payload], i) => {
        const g = i + 1;
        expect([position, type, version]).toEqual([g, g % 2 === 0 ? odd : 'Plain', (g % 7) + 1]);
        expect(JSON.parse(payload)).toEqual({ text: piece.repeat(g % 300), g });
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('a COPY stopped by the statement timeout fails with the timeout, and the connection stays usable', async () => {
    const { copyEventRows } = await import('../src/core/events/copy-rows.js');
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL statement_timeout = 200');
      const slow = "SELECT g::bigint, pg_sleep(0.1)::text, 1, '{}'::jsonb FROM generate_series(1, 20) g";
      await expect(copyEventRows(client, slow, () => {})).rejects.toMatchObject({ code: '57014' });
      await client.query('ROLLBACK');
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
  });

  it('a schema that throws fails the check with its error, and the connection is left usable', async () => {
    const { z } = await import('zod');
    const { checkStoredEvents, defineEvent, EventRegistry } = await import('../src/core/events/index.js');
    const throwing = z.object({}).refine(() => {
      throw new Error('refinement blew up');
    });
    const registry = new EventRegistry([
      defineEvent({
        type: 'LeadLost',
        aggregateType: 'Lead',
        description: '',
        versions: [{ version: 1, schema: throwing }],
      }),
    ]);
    // enough rows that the COPY is still streaming when the first one throws
    await db.pool.query(`
      INSERT INTO domain_events
             (aggregate_id, aggregate_type, version, event_type, schema_version, payload, correlation_id)
      SELECT 'lost-' || g, 'Lead', 1, 'LeadLost', 1,
             jsonb_build_object('leadId', 'lost-' || g, 'notes', repeat('x', 500)), 'c-lost-' || g
        FROM generate_series(1, 20000) g`);
    for (let i = 0; i < 5; i++)
      await expect(checkStoredEvents(db.pool, registry, { types: ['LeadLost'], batchSize: 20_000 })).rejects.toThrow(
        'refinement blew up',
      );
    const again = await checkStoredEvents(db.pool, registry, { types: ['NoSuchType'] });
    expect(again.scanned).toBe(0);
  });

  it('type filters and event types with quotes, tabs and backslashes are matched and validated as stored', async () => {
    const { z } = await import('zod');
    const { checkStoredEvents, defineEvent, EventRegistry } = await import('../src/core/events/index.js');
    const types = [odd, "O'Brien"];
    for (const [i, eventType] of [...types, ...types, 'LeadLost'].entries())
      await appendDomainEvent(db.pool, {
        aggregateId: `odd-${i}`,
        aggregateType: 'Lead',
        eventType,
        schemaVersion: 1,
        payload: { text: piece, i },
        correlationId: `corr-odd-${i}`,
      });
    const exact = z.object({ text: z.literal(piece), i: z.number() });
    const registry = new EventRegistry(
      types.map((type) =>
        defineEvent({ type, aggregateType: 'Lead', description: '', versions: [{ version: 1, schema: exact }] }),
      ),
    );
    const report = await checkStoredEvents(db.pool, registry, { types, since: new Date(Date.now() - 3_600_000) });
    expect(report.scanned).toBe(4);
    expect(report.problem).toBe(false);
    expect(report.rows.map((r) => [r.type, r.status, r.count, r.invalid])).toEqual(
      [...types].sort((a, b) => a.localeCompare(b)).map((t) => [t, 'registered', 2, 0]),
    );
  });
});
