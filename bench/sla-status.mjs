// Benchmark of `medicalcor sla status`, `sla report` and `sla rules` against a real Prometheus
// holding the platform's metrics (the shipped catalogue's 8 SLAs). The round trips of one status are
// counted by Prometheus itself (prometheus_http_requests_total of /api/v1/query on /metrics, before
// and after); the rule generation is also timed in-process.
//
//   npm run build && node bench/sla-status.mjs
//
// SLA_BENCH_DAYS (8) days of series at a 1-minute step are backfilled with promtool; the baseline
// is `sla list` (the same CLI start and catalogue load, no Prometheus), measured in the same run,
// interleaved. SLA_BENCH_RUNS (9) runs each; medians are printed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { figure } from './lib/figures.mjs';
import { medianOfInterleaved, timeProcess, vsBaseline } from './lib/measure.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repo, 'bin/medicalcor');
const days = Number(process.env.SLA_BENCH_DAYS ?? 8);
const runs = Number(process.env.SLA_BENCH_RUNS ?? 9);
const step = 60;
const end = Math.floor(Date.now() / 1000 / step) * step;

const series = [
  ['probe_success', 'gauge', '{job="blackbox",target="api",prober="eu"}', () => 1, false],
  ['probe_success', 'gauge', '{job="blackbox",target="api",prober="us"}', (i) => (i % 5000 === 7 ? 0 : 1), false],
  ['http_requests', 'counter', '{job="api",code="200"}', () => 1990, true],
  ['http_requests', 'counter', '{job="api",code="500"}', (i) => (i % 97 === 0 ? 40 : 10), true],
  ...[0.1, 0.25, 0.5, 1, 2.5, '+Inf'].map((le, b) => [
    'http_request_duration_seconds',
    'histogram',
    `{job="api",le="${le}"}`,
    () => [1000, 1600, 1900, 1960, 2000, 2000][b],
    true,
    '_bucket',
  ]),
  ['http_request_duration_seconds', 'histogram', '{job="api"}', () => 2000, true, '_count'],
  ...[1, 2.5, 5, 10, 20, '+Inf'].map((le, b) => [
    'ai_scoring_duration_seconds',
    'histogram',
    `{le="${le}"}`,
    () => [20, 60, 85, 97, 100, 100][b],
    true,
    '_bucket',
  ]),
  ['ai_scoring_duration_seconds', 'histogram', '', () => 100, true, '_count'],
  ['ai_scoring_requests', 'counter', '', () => 100, true],
  ['ai_scoring_fallback', 'counter', '', () => 7, true],
  ['leads_received', 'counter', '', () => 50, true],
  ['leads_scored', 'counter', '', () => 50, true],
  ['webhooks_processed', 'counter', '{source="whatsapp",outcome="success"}', () => 400, true],
  ['webhooks_processed', 'counter', '{source="whatsapp",outcome="failure"}', () => 1, true],
  ['trigger_job_runs', 'counter', '{task="score-lead",status="completed"}', () => 199, true],
  ['trigger_job_runs', 'counter', '{task="score-lead",status="failed"}', () => 1, true],
];

async function writeOpenMetrics(file) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  const steps = (days * 86_400) / step;
  let lastFamily;
  for (const [family, type, labels, inc, counter, suffix] of series) {
    if (family !== lastFamily) await write(`# TYPE ${family} ${type}\n`);
    lastFamily = family;
    const name = `${family}${suffix ?? (counter ? '_total' : '')}`;
    let value = 1e9;
    let chunk = '';
    for (let i = 0; i <= steps; i++) {
      if (counter) {
        if (i > 0) value += inc(i);
      } else value = inc(i);
      chunk += `${name}${labels} ${value} ${end - (steps - i) * step}\n`;
      if (chunk.length > 1 << 20) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
  }
  await write('# EOF\n');
  await new Promise((r) => out.end(r));
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'mc-bench-sla-'));
let prometheus;
try {
  let t = performance.now();
  await writeOpenMetrics(join(dir, 'series.om'));
  spawnSync(
    'promtool',
    ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'series.om'), join(dir, 'data')],
    { stdio: 'inherit' },
  );
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--log.level=error',
    ],
    { stdio: 'ignore' },
  );
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const backfill = ((performance.now() - t) / 1000).toFixed(1);
  console.log(`${days} days × ${series.length} series at a ${step}s step backfilled and served in ${backfill} s`);

  const env = { ...process.env, NO_COLOR: '1', MEDICALCOR_PROMETHEUS_URL: url };
  const at = new Date(end * 1000).toISOString();
  // exit 3 is a breached SLA, which the synthetic series may well show
  const time = (args) => () => timeProcess(process.execPath, [bin, ...args], { env, okStatus: [0, 3] });
  // Prometheus' own request counter, read from /metrics (it scrapes nothing, itself included)
  const queried = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('prometheus_http_requests_total{') && l.includes('handler="/api/v1/query"'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };
  const before = await queried();
  const once = spawnSync(process.execPath, [bin, 'sla', 'status', '--at', at, '-o', 'json'], { env, encoding: 'utf8' });
  const status = JSON.parse(once.stdout);
  const trips = (await queried()) - before;
  console.log(`sla status over ${status.slas.length} SLAs: ${trips} round trips to /api/v1/query`);
  console.log(`  (the command says ${status.roundTrips})`);
  const shape = `${status.slas.length} shipped SLAs, ${days} days × ${series.length} series at a ${step}s step`;
  figure('sla.status-round-trips', trips, { unit: 'queries', shape });

  // generation alone, in this process: the catalogue parsed, the rules and the promtool tests built
  const core = await import(join(repo, 'dist/core/internal.js'));
  const catalogue = core.loadCatalogue(join(repo, 'src/sla/platform.yaml'));
  const gen = (what) => () => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) what();
    return (performance.now() - t0) / 20;
  };
  const generation = medianOfInterleaved(
    {
      rules: gen(() => core.serializeRuleFile(core.rulesFor(catalogue.slas), 'platform.yaml')),
      tests: gen(() => core.serializeRuleTests(core.ruleTestsFor(catalogue.slas, 'r.yml').file, 'platform.yaml')),
    },
    runs,
  );
  console.log(`in-process generation (median of ${runs} × 20):`);
  console.log(`  rule file ${generation.rules.toFixed(2)} ms, promtool tests ${generation.tests.toFixed(2)} ms`);

  const out = join(dir, 'out');
  const medians = medianOfInterleaved(
    {
      'sla list -o json (baseline: start + catalogue)': time(['sla', 'list', '-o', 'json']),
      [`sla status -o json (8 SLAs, ${trips} round trips)`]: time(['sla', 'status', '--at', at, '-o', 'json']),
      'sla rules --out FILE (120 rules)': time(['sla', 'rules', '--out', `${out}.rules.yml`]),
      'sla rules --out FILE --tests FILE': time([
        'sla',
        'rules',
        '--out',
        `${out}.rules.yml`,
        '--tests',
        `${out}.test.yml`,
      ]),
      'sla report --from now-7d --step 5m -o json': time([
        'sla',
        'report',
        '--from',
        new Date((end - 7 * 86_400) * 1000).toISOString(),
        '--to',
        at,
        '--step',
        '5m',
        '-o',
        'json',
      ]),
    },
    runs,
  );
  const base = medians['sla list -o json (baseline: start + catalogue)'];
  for (const [name, ms] of Object.entries(medians)) {
    console.log(`${name.padEnd(50)} median ${ms.toFixed(1)} ms${ms === base ? '' : `  ${vsBaseline(ms, base)}`}`);
  }
  const [, status8] = Object.entries(medians).find(([name]) => name.startsWith('sla status'));
  figure('sla.status-over-list-ratio', status8 / base, { unit: '× sla list', shape });
} finally {
  prometheus?.kill('SIGTERM');
  await new Promise((r) => (prometheus && prometheus.exitCode === null ? prometheus.once('exit', r) : r()));
  rmSync(dir, { recursive: true, force: true });
}
