/**
 * `schema check` loads the sample events into the shadow after the migrations and runs the core
 * events check on them: a registry or migration change that breaks stored events fails CI. On
 * the embedded shadow and on a server shadow, with a warm model cache, against a proposed registry.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './helpers/cli.js';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let work: string;
let migrations: string;
let db: TestDatabase;
const cacheEnv = () => ({ XDG_CACHE_HOME: join(work, 'cache') });
const check = (args: string[], env: Record<string, string> = {}) =>
  runCli(['--migrations-dir', migrations, 'schema', 'check', ...args], {
    cwd: work,
    env: { ...cacheEnv(), ...env },
    timeoutMs: 240_000,
  });

const leadCreatedV1 = {
  eventType: 'LeadCreated',
  schemaVersion: 1,
  aggregateId: 'lead-1',
  aggregateType: 'Lead',
  payload: {
    leadId: 'lead-1',
    phone: '+40722123456',
    name: 'Maria Ionescu',
    source: 'whatsapp',
    createdAt: '2026-11-01T10:00:00Z',
  },
};
const leadScoredV2 = {
  eventType: 'LeadScored',
  schemaVersion: 2,
  aggregateId: 'lead-1',
  aggregateType: 'Lead',
  payload: {
    leadId: 'lead-1',
    score: 80,
    classification: 'HOT',
    confidence: 0.9,
    model: 'gpt-4o',
    scoredAt: '2026-11-01T10:01:00Z',
  },
};
// line 3: a phone number the registry refuses (the stored value must not be printed)
const badLead = {
  ...leadCreatedV1,
  aggregateId: 'lead-2',
  payload: { ...leadCreatedV1.payload, phone: '0722 123 456' },
};
const jsonl = (...events: unknown[]) => `${events.map((e) => JSON.stringify(e)).join('\n')}\n`;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mc-schema-samples-'));
  // a copy: other work may add migrations to src/migrations while this file runs
  migrations = join(work, 'migrations');
  cpSync(`${repoRoot}src/migrations`, migrations, { recursive: true });
  writeFileSync(join(work, 'valid.jsonl'), jsonl(leadCreatedV1, leadScoredV2));
  writeFileSync(join(work, 'invalid.jsonl'), `// sample events\n${jsonl(leadCreatedV1, badLead)}`);
  db = await createTestDatabase('mc_schema_samples');
}, 60_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('schema check with sample events', () => {
  it('no sample events: nothing changes, and a warm cache starts no shadow', async () => {
    const cold = await check(['-o', 'json']);
    expect(cold.exitCode, cold.stderr).toBe(0);
    expect(JSON.parse(cold.stdout)).not.toHaveProperty('sampleEvents');
    const warm = await check([]);
    expect(warm.exitCode, warm.stderr).toBe(0);
    expect(warm.stdout + warm.stderr).not.toMatch(/sample/i);
    const cached = await check(['-o', 'json']);
    expect(JSON.parse(cached.stdout).cached).toBe(true);
  }, 480_000);

  it('valid sample events pass; the warm cache does not skip them', async () => {
    const result = await check(['--sample-events', 'valid.jsonl', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.cached).toBe(false);
    expect(json.sampleEvents).toMatchObject({ file: 'valid.jsonl', registry: 'platform', loaded: 2, checked: 2 });
    expect(json.sampleEvents.problem).toBe(false);
    const table = await check(['--sample-events', 'valid.jsonl']);
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toContain('2 sample event(s) (valid.jsonl) valid against the platform registry.');
  }, 480_000);

  it('an invalid sample event exits 3 with its line, event id and failing path, the value masked', async () => {
    const result = await check(['--sample-events', 'invalid.jsonl', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout);
    expect(json.ok).toBe(false);
    const row = json.sampleEvents.rows.find((r: { type: string }) => r.type === 'LeadCreated');
    expect(row).toMatchObject({ version: 1, count: 2, invalid: 1 });
    expect(row.firstInvalid).toMatchObject({ line: 3, path: 'phone' });
    expect(row.firstInvalid.eventId).toMatch(/^[0-9a-f-]{36}$/);
    const table = await check(['--sample-events', 'invalid.jsonl']);
    expect(table.exitCode).toBe(3);
    expect(table.stdout).toContain('sample events (invalid.jsonl) against the platform registry: 1 problem(s)');
    expect(table.stdout).toMatch(/LeadCreated v1: 1 of 2 invalid; first: line 3, event [0-9a-f-]{36}, phone:/);
    expect(table.stdout).toContain('0 difference(s), 0 policy violation(s), 1 sample event problem(s).');
    for (const out of [result.stdout, result.stderr, table.stdout, table.stderr]) {
      expect(out).not.toMatch(/722 ?123 ?456|Ionescu/); // not bare "722": an event id may hold it
    }
  }, 480_000);

  it('sample-events.jsonl beside the migrations is found without a flag, warm cache or not (github)', async () => {
    writeFileSync(join(migrations, 'sample-events.jsonl'), readFileSync(join(work, 'invalid.jsonl')));
    try {
      const result = await check(['-o', 'github']);
      expect(result.exitCode, result.stderr).toBe(3);
      expect(result.stdout).toMatch(
        /^::error file=migrations\/sample-events\.jsonl,line=3,title=sample events \(events check\)::LeadCreated v1/m,
      );
    } finally {
      rmSync(join(migrations, 'sample-events.jsonl'));
    }
  }, 480_000);

  it('--against-registry: a proposed registry that the stored events do not fit fails', async () => {
    const exported = await runCli(['events', 'schemas', '--export', join(work, 'proposed.json')], { cwd: work });
    expect(exported.exitCode, exported.stderr).toBe(0);
    const registry = JSON.parse(readFileSync(join(work, 'proposed.json'), 'utf8'));
    // the proposal makes LeadScored v2's reasoning required: stored v2 events without it break
    const scored = registry.events.find((e: { type: string }) => e.type === 'LeadScored');
    scored.versions[1].schema.required.push('reasoning');
    writeFileSync(join(work, 'proposed.json'), JSON.stringify(registry));
    const result = await check(['--sample-events', 'valid.jsonl', '--against-registry', 'proposed.json', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(3);
    const json = JSON.parse(result.stdout);
    expect(json.sampleEvents.registry).toBe('proposed.json');
    const row = json.sampleEvents.rows.find((r: { type: string }) => r.type === 'LeadScored');
    expect(row.firstInvalid).toMatchObject({ line: 2, path: 'reasoning' });
    const none = await check(['--against-registry', 'proposed.json']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('--against-registry needs sample events');
  }, 480_000);

  it('on a server shadow too, and from a .sql seed', async () => {
    const server = await check(['--database-url', db.url, '--shadow', 'server', '--sample-events', 'invalid.jsonl']);
    expect(server.exitCode, server.stderr).toBe(3);
    expect(server.stderr).toContain('medicalcor_shadow_');
    expect(server.stdout).toContain('LeadCreated v1: 1 of 2 invalid');
    writeFileSync(
      join(work, 'seed.sql'),
      `INSERT INTO domain_events
         (aggregate_id, aggregate_type, version, event_type, schema_version, payload, correlation_id)
       VALUES ('lead-9', 'Lead', 1, 'LeadScored', 2, '{"leadId":"lead-9","score":"high"}', 'seed');\n`,
    );
    const seed = await check(['--sample-events', 'seed.sql', '-o', 'json']);
    expect(seed.exitCode, seed.stderr).toBe(3);
    const row = JSON.parse(seed.stdout).sampleEvents.rows[0];
    expect(row).toMatchObject({ type: 'LeadScored', version: 2, invalid: 1 });
    expect(row.firstInvalid).toMatchObject({ path: 'score', line: null });
  }, 480_000);

  it('a malformed sample line is a usage error naming the file and line', async () => {
    writeFileSync(join(work, 'broken.jsonl'), `${JSON.stringify(leadCreatedV1)}\n{"payload": {}}\n`);
    const result = await check(['--sample-events', 'broken.jsonl']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('broken.jsonl:2 is not a sample event: eventType');
  }, 480_000);
});
