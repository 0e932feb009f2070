import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';

let db: TestDatabase;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('mc_incident');
  await applySchema(db.url);
  env = { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_ACTOR: 'oncall@medicalcor' };
  dir = mkdtempSync(join(tmpdir(), 'mc-incident-'));
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], extra: Record<string, string> = {}, input?: string) =>
  runInProcess(args, { env: { ...env, ...extra }, input });

async function openOne(title: string, severity = 'P2'): Promise<string> {
  const opened = await run([
    'incident',
    'open',
    '--title',
    title,
    '--severity',
    severity,
    '--service',
    'api',
    '-o',
    'json',
  ]);
  expect(opened.exitCode, opened.stderr).toBe(0);
  return JSON.parse(opened.stdout).ref as string;
}

function alertPayload(status: 'firing' | 'resolved', groupKey: string, startsAt = '2026-12-01T09:00:00Z') {
  return JSON.stringify({
    version: '4',
    groupKey,
    status,
    receiver: 'medicalcor',
    groupLabels: { alertname: 'SlaBurnRatePage' },
    commonLabels: { alertname: 'SlaBurnRatePage', severity: 'page', sla: 'lead-scoring-latency' },
    commonAnnotations: { summary: 'Lead scoring burns its error budget 14x' },
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status,
        labels: {
          alertname: 'SlaBurnRatePage',
          severity: 'page',
          sla: 'lead-scoring-latency',
          runbook: 'ai-latency-high',
        },
        annotations: { summary: 'Lead scoring burns its error budget 14x' },
        startsAt,
        endsAt: status === 'resolved' ? '2026-12-01T10:00:00Z' : '0001-01-01T00:00:00Z',
        fingerprint: 'a1b2c3d4e5f60718',
        generatorURL: 'http://prometheus.local/graph',
      },
    ],
  });
}

describe('incident record', () => {
  it('opens, acknowledges, identifies, assigns and notes; show merges it all into one timeline', async () => {
    const ref = await openOne('WhatsApp webhooks failing');
    expect(ref).toMatch(/^INC-\d+$/);
    expect((await run(['incident', 'ack', ref])).exitCode).toBe(0);
    expect((await run(['incident', 'status', ref, 'identified', '--note', 'token expired'])).exitCode).toBe(0);
    expect((await run(['incident', 'assign', ref, 'ana@medicalcor.ro'])).exitCode).toBe(0);
    const noted = await run(['incident', 'note', ref, 'called', 'back', '+40 721 234 567', 'ion.popescu@gmail.com']);
    expect(noted.exitCode).toBe(0);

    const shown = await run(['incident', 'show', ref, '-o', 'json']);
    expect(shown.exitCode).toBe(0);
    const record = JSON.parse(shown.stdout);
    expect(record.incident).toMatchObject({
      ref,
      severity: 'P2',
      status: 'identified',
      commander: 'ana@medicalcor.ro',
    });
    expect(record.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'opened',
      'status',
      'status',
      'assign',
      'note',
    ]);
    expect(record.times.acknowledgeMs).not.toBeNull();
    expect(record.times.identifyMs).not.toBeNull();
    expect(record.times.resolveMs).toBeNull();
    // masked at write: the row in the table holds no patient data
    const { rows } = await db.pool.query('SELECT text FROM incident_timeline WHERE kind = $1', ['note']);
    expect(rows[0].text).not.toContain('721 234 567');
    expect(rows[0].text).not.toContain('ion.popescu@gmail.com');

    const table = await run(['incident', 'show', ref]);
    expect(table.stdout).toContain('commander ana@medicalcor.ro');
    expect(table.stdout).toContain('time to acknowledge');
  });

  it('lists open incidents as stable JSON for scripts', async () => {
    const ref = await openOne('DLQ growing', 'P3');
    const listed = await run(['incident', 'list', '--open', '-o', 'json']);
    expect(listed.exitCode).toBe(0);
    const incidents = JSON.parse(listed.stdout) as { ref: string; status: string; severity: string }[];
    const mine = incidents.find((i) => i.ref === ref)!;
    expect(mine).toMatchObject({ status: 'triggered', severity: 'P3', services: ['api'], environment: 'local' });
    expect(Object.keys(mine).sort()).toEqual(
      [
        'acknowledgedAt',
        'commander',
        'createdAt',
        'createdBy',
        'environment',
        'fingerprint',
        'id',
        'identifiedAt',
        'impactStartedAt',
        'ref',
        'resolvedAt',
        'services',
        'severity',
        'status',
        'summary',
        'title',
      ].sort(),
    );
  });

  it('resolves with a summary; a resolved incident is not reopened silently, only with --reopen', async () => {
    const ref = await openOne('Budget freeze needed');
    const resolved = await run(['incident', 'resolve', ref, '--summary', 'froze the runaway tenant']);
    expect(resolved.exitCode).toBe(0);
    const again = await run(['incident', 'ack', ref]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('is resolved');
    expect(again.stderr).toContain('--reopen');
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const reopened = await run(['incident', 'status', ref, 'investigating', '--reopen']);
    expect(reopened.exitCode).toBe(0);
    const shown = JSON.parse((await run(['incident', 'show', ref, '-o', 'json'])).stdout);
    expect(shown.incident.status).toBe('investigating');
    expect(shown.incident.resolvedAt).toBeNull();
    expect(shown.timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'resolved', 'reopened']);
  });

  it('an unknown incident ID exits 1 naming the recent ones; a malformed one is a usage error', async () => {
    const ref = await openOne('Recent one for the hint');
    const unknown = await run(['incident', 'show', 'INC-999999']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('No incident INC-999999');
    expect(unknown.stderr).toContain(ref);
    const bad = await run(['incident', 'show', 'yesterday']);
    expect(bad.exitCode).toBe(2);
    const badSeverity = await run(['incident', 'open', '--title', 'x', '--severity', 'P9']);
    expect(badSeverity.exitCode).toBe(2);
    expect(badSeverity.stderr).toContain('P1, P2, P3, P4');
  });

  it('the timeline cannot be edited, deleted or emptied: the trigger refuses', async () => {
    const ref = await openOne('Tamper attempt');
    const id = Number(ref.slice(4));
    await expect(
      db.pool.query("UPDATE incident_timeline SET text = 'nothing happened' WHERE incident_id = $1", [id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM incident_timeline WHERE incident_id = $1', [id])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query('TRUNCATE incident_timeline CASCADE')).rejects.toThrow(/append-only/);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM incident_timeline WHERE incident_id = $1', [
      id,
    ]);
    expect(rows[0].n).toBe(1);
  });
});

describe('incident from-alert', () => {
  it('opens one incident per alert group, appends a re-fired alert, notes the resolved one', async () => {
    const first = await run(
      ['incident', 'from-alert', '-', '-o', 'json'],
      {},
      alertPayload('firing', '{}:{alertname="SlaBurnRatePage"}'),
    );
    expect(first.exitCode, first.stderr).toBe(0);
    const opened = JSON.parse(first.stdout);
    expect(opened.action).toBe('opened');
    expect(opened.incident).toMatchObject({ severity: 'P2', services: ['lead-scoring-latency'], status: 'triggered' });
    expect(opened.incident.impactStartedAt).toBe('2026-12-01T09:00:00.000Z');

    const file = join(dir, 'refire.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, alertPayload('firing', '{}:{alertname="SlaBurnRatePage"}'));
    const refired = JSON.parse((await run(['incident', 'from-alert', file, '-o', 'json'])).stdout);
    expect(refired).toMatchObject({ action: 'appended', incident: { ref: opened.incident.ref } });

    const resolved = JSON.parse(
      (
        await run(
          ['incident', 'from-alert', '-', '-o', 'json'],
          {},
          alertPayload('resolved', '{}:{alertname="SlaBurnRatePage"}'),
        )
      ).stdout,
    );
    expect(resolved).toMatchObject({ action: 'appended', incident: { ref: opened.incident.ref, status: 'triggered' } });
    const { rows } = await db.pool.query('SELECT kind FROM incident_timeline WHERE incident_id = $1 ORDER BY id', [
      opened.incident.id,
    ]);
    expect(rows.map((r) => r.kind)).toEqual(['opened', 'alert', 'alert', 'alert_resolved']);
    const { rows: open } = await db.pool.query('SELECT count(*)::int AS n FROM incidents WHERE fingerprint = $1', [
      '{}:{alertname="SlaBurnRatePage"}',
    ]);
    expect(open[0].n).toBe(1);
  });

  it('refuses a body that is not an AlertManager payload with exit 2 and writes nothing', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n;
    const bad = await run(['incident', 'from-alert', '-'], {}, '{"alerts": "nope"}');
    expect(bad.exitCode).toBe(2);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM incidents')).rows[0].n).toBe(before);
  });
});

describe('actions recorded on the active incident', () => {
  it('--incident and MEDICALCOR_INCIDENT name it; an unknown one stops the command before it acts', async () => {
    const ref = await openOne('Recorder');
    const unknown = await run(['--incident', 'INC-999998', 'incident', 'list']);
    // incident commands themselves are not recorded; another command is refused up front
    expect(unknown.exitCode).toBe(0);
    const refused = await run(['--incident', 'INC-999998', 'check', '--only', 'database']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('No incident INC-999998');
    const { makeContext } = await import('../src/commands/context.js');
    const { Writable, Readable } = await import('node:stream');
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const streams = {
      stdout: sink,
      stderr: sink,
      stdin: Readable.from([]),
      env: { ...env, MEDICALCOR_INCIDENT: ref },
      cwd: dir,
    };
    const ctx = makeContext(streams, {}, new AbortController().signal);
    await ctx.recordAction({ kind: 'breaker.open', summary: 'forced hubspot open for 10m', outcome: 'succeeded' });
    await ctx.systems.close();
    const shown = JSON.parse((await run(['incident', 'show', ref, '-o', 'json'])).stdout);
    expect(shown.actions).toHaveLength(1);
    expect(shown.actions[0]).toMatchObject({
      kind: 'action',
      text: 'forced hubspot open for 10m',
      actor: 'oncall@medicalcor',
    });
    expect(shown.actions[0].facts).toMatchObject({ action: 'breaker.open', outcome: 'succeeded' });
  });
});

describe('actions of other commands land on the incident', () => {
  it(
    'breaker open with --incident, and runbook for-alert ' + '--incident auto opening the incident of its alert',
    async () => {
      const { uniquePrefix, redisConnections } = await import('./helpers/redis.js');
      const prefix = uniquePrefix('incident');
      const redis = redisConnections(prefix);
      const withRedis = {
        MEDICALCOR_REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        MEDICALCOR_REDIS_PREFIX: prefix,
      };
      try {
        const ref = await openOne('HubSpot 5xx');
        const opened = await run(
          ['--incident', ref, 'breaker', 'open', 'hubspot', '--for', '10m', '--reason', 'HubSpot 5xx'],
          withRedis,
        );
        expect(opened.exitCode, opened.stderr).toBe(0);
        const traced = await run(['--incident', ref, 'trace', 'journey-under-incident']);
        expect(traced.stderr).toContain(`recorded on ${ref}`);
        const shown = JSON.parse((await run(['incident', 'show', ref, '-o', 'json'])).stdout);
        expect(shown.actions.map((a: { facts: { action: string } }) => a.facts.action)).toEqual([
          'breaker.open',
          'trace.view',
        ]);
        expect(shown.actions[1].text).toBe('journey journey-under-incident looked at: no failure');

        const payload = alertPayload('firing', `{}:{alertname="DbPool-${Date.now()}"}`).replace(
          /"runbook":"ai-latency-high"/,
          '"runbook":"db-pool-exhausted"',
        );
        const answered = await run(
          ['--incident', 'auto', 'runbook', 'for-alert', '-', '-o', 'json'],
          withRedis,
          payload,
        );
        expect(answered.stderr).toMatch(/opened INC-\d+/);
        const auto = /opened (INC-\d+)/.exec(answered.stderr)![1]!;
        const timeline = JSON.parse((await run(['incident', 'show', auto, '-o', 'json'])).stdout).timeline;
        expect(timeline.map((e: { kind: string }) => e.kind).slice(0, 2)).toEqual(['opened', 'alert']);
        const refused = await run(['--incident', 'auto', 'incident', 'list']);
        expect(refused.exitCode).toBe(0);
        const misuse = await run(['--incident', 'auto', 'check', '--only', 'database']);
        expect(misuse.exitCode).toBe(2);
      } finally {
        await redis.closeAll();
      }
    },
  );
});

describe('incident export', () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it('writes a Markdown postmortem draft with the metrics, the timeline, the actions and open sections', async () => {
    const ref = await openOne('Lead scoring slow');
    await run(['incident', 'ack', ref]);
    await run(['incident', 'resolve', ref, '--summary', 'OpenAI latency; fell back to the smaller model']);
    const md = await run(['incident', 'export', ref]);
    expect(md.exitCode).toBe(0);
    for (const section of [
      '## Summary',
      '## Impact',
      '## Response times',
      '## Timeline',
      '## Actions taken',
      '## Root cause',
      '## Follow-ups',
    ]) {
      expect(md.stdout).toContain(section);
    }
    expect(md.stdout).toContain('OpenAI latency; fell back to the smaller model');
    expect(md.stdout).toMatch(/\| time to resolve \| \d/);
    const json = await run(['incident', 'export', ref, '-o', 'json']);
    expect(json.exitCode).toBe(2);
  });

  it('writes a self-contained HTML draft that renders its timeline in Chromium and fetches nothing', async () => {
    const ref = await openOne('Report <script>alert(1)</script> check');
    await run(['incident', 'note', ref, '<img src=x onerror=alert(1)>']);
    const file = join(dir, `${ref}.html`);
    const written = await run(['incident', 'export', ref, '--format', 'html', '--out', file]);
    expect(written.exitCode, written.stderr).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    expect(await page.title()).toBe(`Postmortem ${ref}`);
    expect(await page.locator('#timeline tr').count()).toBe(3);
    expect(await page.locator('#times tr').count()).toBe(5);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
  });
});

describe('check open-incidents', () => {
  it('fails while a P1/P2 is open on the environment, naming it', async () => {
    const ref = await openOne('Everything is down', 'P1');
    const result = await run(['check', '--only', 'open-incidents', '-o', 'json']);
    const report = JSON.parse(result.stdout);
    const check = report.checks.find((r: { id: string }) => r.id === 'open-incidents');
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(ref);
  });
});
