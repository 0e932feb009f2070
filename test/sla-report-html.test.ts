/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.js';
import { runInProcess } from './helpers/in-process.js';
import { platformScenario, startScenarioPrometheus, type TestPrometheus } from './helpers/prometheus.js';

/*
 * The HTML period report's budget burn charts, laid out by a real Chromium: one chart per SLA,
 * the line ending where the budget arithmetic says, and each breach period shaded at its time.
 */

const end = Math.floor(Date.now() / 1000 / 300) * 300;
const from = end - 6 * 3600;
let prometheus: TestPrometheus;
let dir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  prometheus = await startScenarioPrometheus(platformScenario(end));
  dir = mkdtempSync(join(tmpdir(), 'mc-sla-html-'));
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sla report --format html: the budget burn chart', () => {
  it('draws one chart per SLA: budget left over the period, breaches shaded where they happened', async () => {
    const file = join(dir, 'report.html');
    const iso = (t: number) => new Date(t * 1000).toISOString();
    const result = await runInProcess(
      ['sla', 'report', '--from', iso(from), '--to', iso(end), '--step', '5m', '--format', 'html', '--out', file],
      {
        cwd: dir,
        env: { MEDICALCOR_PROMETHEUS_URL: prometheus.url },
      },
    );
    expect(result.exitCode, result.stderr).toBe(3);
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/<(script|link|img)\b/i);

    const page = await browser!.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    const charts = page.locator('svg.burn-chart');
    expect(await charts.count()).toBe(8);
    for (const chart of await charts.all()) {
      expect(await chart.getAttribute('role')).toBe('img');
      expect(await chart.getAttribute('aria-label')).toMatch(/: error budget left over the period$/);
      // 72 five-minute steps in 6 hours, each a point of the line
      expect(await chart.getAttribute('data-points')).toBe('72');
      expect((await chart.boundingBox())!.width).toBeGreaterThan(300);
    }

    // lead-scoring-throughput: nothing scored in the last 30 minutes. Its 1 % budget: after 72 steps of
    // which the last 6 had every lead unscored, the mean error ratio is 6/72, the budget left 1 − 8.33
    const lead = page.locator('svg.burn-chart[data-sla="lead-scoring-throughput"]');
    expect(await lead.locator('text.last').textContent()).toBe('-733.3 % left');
    const geometry = await lead.evaluate((svg) => {
      const plot = svg.querySelector('rect')!.getBBox();
      const zero = Number(svg.querySelector('line.zero')!.getAttribute('y1'));
      const points = svg
        .querySelector('polyline.budget')!
        .getAttribute('points')!
        .split(' ')
        .map((p) => p.split(',').map(Number));
      const shades = [...svg.querySelectorAll('rect.breach')].map((r) => {
        const box = (r as SVGRectElement).getBBox();
        // elementFromPoint sees only what is in the viewport
        r.scrollIntoView({ block: 'center' });
        const screen = r.getBoundingClientRect();
        const hit = document.elementFromPoint(screen.x + screen.width / 2, screen.y + screen.height / 2);
        return { x: box.x, width: box.width, from: r.getAttribute('data-from'), visible: hit === r || r.contains(hit) };
      });
      return {
        plot: { x: plot.x, width: plot.width, y: plot.y },
        zero,
        first: points[0]!,
        last: points.at(-1)!,
        shades,
      };
    });
    // one breach period: the last 30 of 360 minutes, so the shade starts 11/12 of the way across
    expect(geometry.shades).toHaveLength(1);
    expect(geometry.shades[0]!.from).toBe(iso(end - 1800).replace('.000Z', 'Z'));
    expect(geometry.shades[0]!.x).toBeCloseTo(geometry.plot.x + (330 / 360) * geometry.plot.width, 0);
    expect(geometry.shades[0]!.x + geometry.shades[0]!.width).toBeCloseTo(geometry.plot.x + geometry.plot.width, 0);
    expect(geometry.shades[0]!.visible).toBe(true);
    // the line starts at 100 % (top of the plot) and ends below the zero line: overspent
    expect(geometry.first[1]).toBeCloseTo(geometry.plot.y, 0);
    expect(geometry.last[1]).toBeGreaterThan(geometry.zero);

    // api-availability had no failed probe in these 6 hours: no shade, the budget untouched
    const availability = page.locator('svg.burn-chart[data-sla="api-availability"]');
    expect(await availability.locator('rect.breach').count()).toBe(0);
    expect(await availability.locator('text.last').textContent()).toBe('100 % left');
    // api-latency-p95 is breached in every step: one shade over the whole plot
    const latency = await page
      .locator('svg.burn-chart[data-sla="api-latency-p95"] rect.breach')
      .evaluate((r) => (r as SVGRectElement).getBBox().width);
    expect(latency).toBeCloseTo(580, 0);
    expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
    await page.close();
  }, 180_000);
});
