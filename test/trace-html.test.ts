import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendDomainEvent } from '../src/core/journey/index.js';
import { launchChromium } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { startTriggerFake, type TriggerFake } from './fakes/trigger-dev.js';
import { PATIENT, writeFailedJourney, type WrittenJourney } from './trace-fixture.js';

let db: TestDatabase;
let fake: TriggerFake;
let journey: WrittenJourney;
let dir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  db = await createTestDatabase('mc_trace_html');
  await applySchema(db.url);
  journey = await writeFailedJourney(db.pool, 'html-journey-abc', new Date(Date.now() - 20 * 60_000));
  // markup in data must arrive as text, never as markup
  await appendDomainEvent(db.pool, {
    aggregateId: 'lead-html',
    aggregateType: 'Lead',
    eventType: 'NoteAdded<img src=x onerror=alert(1)>',
    correlationId: journey.correlationId,
    payload: { note: '<script>document.title="pwned"</script>' },
    occurredAt: new Date(journey.start.getTime() + 9_000),
  });
  fake = await startTriggerFake({ runs: journey.triggerRuns });
  dir = mkdtempSync(join(tmpdir(), 'mc-trace-html-'));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('medicalcor trace --html FILE', () => {
  it('writes a self-contained report whose timeline rows render in Chromium, PII masked', async () => {
    const file = join(dir, 'incident.html');
    const result = await runCli(['trace', journey.correlationId, '--html', file, '-o', 'json'], {
      env: { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_TRIGGER_URL: fake.url, TRIGGER_SECRET_KEY: fake.secretKey },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('wrote the HTML report');
    const trace = JSON.parse(result.stdout);
    const html = readFileSync(file, 'utf8');
    for (const secret of [PATIENT.phone, PATIENT.phoneDigits, PATIENT.email, PATIENT.name, fake.secretKey])
      expect(html).not.toContain(secret);
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);

    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    const rows = page.locator('#timeline tbody tr.item');
    expect(await rows.count()).toBe(trace.items.length);
    expect(await rows.count()).toBe(journey.expectedOrder.length + 1);
    const names = await rows.locator('td:nth-child(5)').allTextContents();
    expect(names.slice(0, journey.expectedOrder.length)).toEqual(journey.expectedOrder);
    expect(names.at(-1)).toBe('NoteAdded<img src=x onerror=alert(1)>');
    const first = page.locator('#timeline tr.first-failure');
    expect(await first.count()).toBe(1);
    expect(await first.locator('td:nth-child(5)').textContent()).toBe(journey.firstFailureName);
    expect(await first.locator('td:nth-child(6)').textContent()).toBe('FAILED (first)');
    expect(await page.locator('#timeline tr.after-failure').count()).toBe(
      trace.items.length - 1 - trace.firstFailure.index,
    );
    expect(await page.locator('#timeline img').count()).toBe(0);
    expect(await page.title()).toContain(journey.correlationId);
    expect(await page.locator('#summary').textContent()).toContain('First failure');
    // the bars are laid out: a row with a duration has a visible bar
    const barWidth = await first.locator('.bar').evaluate((el) => el.getBoundingClientRect().width);
    expect(barWidth).toBeGreaterThan(1);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('does not leave a file behind when the directory does not exist', async () => {
    const file = join(dir, 'missing-dir', 'report.html');
    const result = await runCli(['trace', journey.correlationId, '--html', file], {
      env: { MEDICALCOR_DATABASE_URL: db.url },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('cannot write the HTML report');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(file)).toBe(false);
  });
});
