import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreakerStore, SharedBreakers } from '../src/core/breakers/index.js';
import { runInProcess } from './helpers/in-process.js';
import { redisConnections, TEST_REDIS_URL, uniquePrefix, PATIENT_MS } from './helpers/redis.js';
import { kubeconfig, startFakeKubernetes, type FakeKubernetes } from './fakes/kubernetes.js';

const prefix = uniquePrefix('breaker-cli');
const { connect, closeAll } = redisConnections(prefix);
let service: SharedBreakers;
let store: BreakerStore;
let dir: string;

const baseEnv = () => ({
  MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
  MEDICALCOR_REDIS_PREFIX: prefix,
  MEDICALCOR_ACTOR: 'alice@oncall',
});
const cli = (args: string[], env: Record<string, string> = {}) =>
  runInProcess(args, { cwd: dir, env: { ...baseEnv(), ...env } });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mc-breaker-cli-'));
  service = new SharedBreakers({
    redis: connect(),
    keyPrefix: prefix,
    redisTimeoutMs: PATIENT_MS,
    instanceId: 'worker-1',
    heartbeatMs: 1_000,
  });
  store = new BreakerStore(connect(), { keyPrefix: prefix });
});

afterAll(async () => {
  await service?.close();
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('breaker list / open / probe / reset', () => {
  it(
    'lists the shared breakers with state, failures, last error ' +
      'and instances agreeing; exit 0 when all are closed',
    async () => {
      const whatsapp = await service.breaker('whatsapp');
      await whatsapp.execute(() => Promise.reject(new Error('WhatsApp 429 for +40 722 123 456'))).catch(() => {});
      const result = await cli(['breaker', 'list']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/whatsapp\s+closed\s+1\/5/);
      expect(result.stdout).toContain('1/1 agree');
      expect(result.stdout).not.toContain('722 123 456');
    },
  );

  it('open --for --reason forces it open, records who and why, and the service refuses calls at once', async () => {
    const result = await cli([
      'breaker',
      'open',
      'whatsapp',
      '--for',
      '45m',
      '--reason',
      'Meta outage INC-7',
      '-o',
      'json',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body.breaker).toMatchObject({
      name: 'whatsapp',
      state: 'open',
      forced: { actor: 'alice@oncall', reason: 'Meta outage INC-7' },
    });
    expect(Date.parse(body.breaker.forced.until) - Date.parse(body.breaker.openedAt)).toBe(45 * 60_000);
    expect((await store.get('whatsapp'))?.forced?.reason).toBe('Meta outage INC-7');
    const list = await cli(['breaker', 'list']);
    expect(list.exitCode, list.stderr).toBe(3);
    expect(list.stdout).toMatch(/whatsapp\s+open \(forced\)/);
    expect(list.stdout).toMatch(/HALF-OPEN IN[\s\S]*4[45]m/);
    expect(list.stdout).toContain('forced open by alice@oncall');
  });

  it('probe moves it to half-open; reset closes it; the service follows both', async () => {
    const whatsapp = await service.breaker('whatsapp');
    const probe = await cli(['breaker', 'probe', 'whatsapp']);
    expect(probe.exitCode, probe.stderr).toBe(0);
    expect((await store.get('whatsapp'))?.state).toBe('half_open');
    const reset = await cli(['breaker', 'reset', 'whatsapp', '-o', 'json']);
    expect(reset.exitCode, reset.stderr).toBe(0);
    expect(JSON.parse(reset.stdout).breaker).toMatchObject({
      state: 'closed',
      failures: 0,
      forced: null,
      lastAction: { action: 'reset', actor: 'alice@oncall' },
    });
    const deadline = Date.now() + 5_000;
    while (whatsapp.view.state !== 'closed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(whatsapp.view.state).toBe('closed');
    const again = await cli(['breaker', 'probe', 'whatsapp']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toContain('not open');
    expect((await store.get('whatsapp'))?.state).toBe('closed');
  });

  it('rejects bad input with exit 2 and changes nothing', async () => {
    const before = await store.get('whatsapp');
    const cases = [
      ['breaker', 'open', 'whatsapp', '--for', 'soon', '--reason', 'x'],
      ['breaker', 'open', 'whatsapp', '--for', '30d', '--reason', 'x'],
      ['breaker', 'open', 'whatsapp', '--for', '30m'],
      ['breaker', 'open', 'whatsapp', '--for', '30m', '--reason', '  '],
      ['breaker', 'reset', 'what sapp'],
      ['breaker', 'list', '-o', 'github'],
    ];
    const results = await Promise.all(cases.map((args) => cli(args)));
    for (const [i, result] of results.entries()) {
      expect(result.exitCode, cases[i]!.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await store.get('whatsapp'))?.version).toBe(before?.version);
  });

  it('an unknown breaker is named with the known ones; nothing is created', async () => {
    const result = await cli(['breaker', 'reset', 'whatsap']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('No breaker named "whatsap"');
    expect(result.stderr).toContain('Known breakers: whatsapp');
    expect(await store.get('whatsap')).toBeUndefined();
  });

  it('refuses to change a production environment from a script without --yes and --env', async () => {
    writeFileSync(
      join(dir, 'medicalcor.config.yaml'),
      `defaultEnv: prod\nenvironments:\n  prod:\n    production: true\n    redisUrl: ${TEST_REDIS_URL}\n`,
    );
    try {
      const before = await store.get('whatsapp');
      const noYes = await cli(['breaker', 'open', 'whatsapp', '--for', '5m', '--reason', 'x']);
      expect(noYes.exitCode, noYes.stderr).toBe(2);
      const yesNoEnv = await cli(['breaker', 'open', 'whatsapp', '--for', '5m', '--reason', 'x', '--yes']);
      expect(yesNoEnv.exitCode, yesNoEnv.stderr).toBe(2);
      expect((await store.get('whatsapp'))?.version).toBe(before?.version);
      const ok = await cli(['breaker', 'open', 'whatsapp', '--for', '5m', '--reason', 'x', '--yes', '--env', 'prod']);
      expect(ok.exitCode, ok.stderr).toBe(0);
      expect((await store.get('whatsapp'))?.state).toBe('open');
      expect((await cli(['breaker', 'reset', 'whatsapp', '--yes', '--env', 'prod'])).exitCode).toBe(0);
    } finally {
      rmSync(join(dir, 'medicalcor.config.yaml'));
    }
  });

  it(
    'set changes the stored thresholds on purpose; list shows ' +
      'them; a service asking for others is warned, not obeyed',
    async () => {
      await service.breaker('ses-mail', { failureThreshold: 5 });
      const set = await cli([
        'breaker',
        'set',
        'ses-mail',
        '--failure-threshold',
        '9',
        '--half-open-max-calls',
        '2',
        '-o',
        'json',
      ]);
      expect(set.exitCode, set.stderr).toBe(0);
      const body = JSON.parse(set.stdout);
      expect(body.breaker.thresholds).toEqual({
        failureThreshold: 9,
        successThreshold: 3,
        resetTimeoutMs: 30_000,
        halfOpenMaxCalls: 2,
      });
      expect(body.previous.failureThreshold).toBe(5);
      expect(body.breaker.lastAction).toMatchObject({ action: 'set', actor: 'alice@oncall' });
      const list = await cli(['breaker', 'list']);
      expect(list.stdout).toMatch(/ses-mail\s+closed\s+0\/9\s+9 fail \/ 3 ok \/ 30s \/ 2 trial/);
      const warnings: unknown[] = [];
      const other = new SharedBreakers({
        redis: connect(),
        keyPrefix: prefix,
        redisTimeoutMs: PATIENT_MS,
        onError: (e) => warnings.push(e),
      });
      expect((await other.breaker('ses-mail', { failureThreshold: 5 })).thresholds.failureThreshold).toBe(9);
      expect(String(warnings[0])).toContain('keeps its stored thresholds');
      await other.close();
      for (const bad of [
        ['breaker', 'set', 'ses-mail'],
        ['breaker', 'set', 'ses-mail', '--failure-threshold', '0'],
      ]) {
        const refused = await cli(bad);
        expect(refused.exitCode, bad.join(' ')).toBe(2);
      }
      expect((await store.get('ses-mail'))?.thresholds.failureThreshold).toBe(9);
    },
  );

  it('says clearly when Redis cannot be reached (exit 1)', async () => {
    const result = await cli(['breaker', 'list'], { MEDICALCOR_REDIS_URL: 'redis://127.0.0.1:1' });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain('Cannot reach Redis at redis://127.0.0.1:1');
  });
});

const ADMIN_TOKEN = 'adm_s3cr3t_token_4242';

describe('per-pod in-memory breakers through the API admin endpoints', () => {
  let k8s: FakeKubernetes;
  const pods: Server[] = [];
  const resets: string[] = [];
  let port = 0;

  // A pod of the platform API answering GET /health/circuit-breakers and POST .../:service/reset.
  function startPod(ip: string, state: string, listenPort: number): Promise<number> {
    const server = createServer((req, res) => {
      // the platform API's admin endpoints want the admin token
      if (req.headers['x-admin-token'] !== ADMIN_TOKEN) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      if (req.method === 'GET' && req.url === '/health/circuit-breakers') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            timestamp: new Date().toISOString(),
            openCircuits: state === 'OPEN' ? ['hubspot'] : [],
            services: [
              {
                name: 'hubspot',
                state,
                failures: state === 'OPEN' ? 5 : 0,
                successes: 10,
                totalRequests: 20,
                totalFailures: 5,
                totalSuccesses: 15,
                successRate: 75,
                lastFailure: '2026-01-01T00:00:00.000Z',
                lastSuccess: null,
              },
            ],
          }),
        );
        return;
      }
      const m = req.url?.match(/^\/health\/circuit-breakers\/([^/]+)\/reset$/);
      if (req.method === 'POST' && m) {
        resets.push(`${ip}:${m[1]}`);
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            success: true,
            message: `Circuit breaker for ${m[1]} has been reset`,
            timestamp: new Date().toISOString(),
          }),
        );
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
    pods.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, ip, () => resolve((server.address() as AddressInfo).port));
    });
  }

  beforeAll(async () => {
    k8s = await startFakeKubernetes('clinic');
    port = await startPod('127.0.0.2', 'OPEN', 0);
    await startPod('127.0.0.3', 'CLOSED', port);
    k8s.setService('medicalcor-api', { app: 'medicalcor-api' }, 'clinic');
    k8s.setPods([
      { name: 'api-7d9f-a', labels: { app: 'medicalcor-api' }, ip: '127.0.0.2', ready: true, namespace: 'clinic' },
      { name: 'api-7d9f-b', labels: { app: 'medicalcor-api' }, ip: '127.0.0.3', ready: true, namespace: 'clinic' },
      { name: 'worker-1', labels: { app: 'worker' }, ip: '127.0.0.9', ready: true, namespace: 'clinic' },
    ]);
    writeFileSync(join(dir, 'kubeconfig'), kubeconfig(k8s.url, { namespace: 'clinic' }));
    const k8sConfig = (access: string) => [
      '    kubernetes:',
      '      context: test',
      '      namespace: clinic',
      '      apiService: medicalcor-api',
      `      apiPort: ${port}`,
      `      podAccess: ${access}`,
      '      adminToken: { env: MC_API_ADMIN_TOKEN }',
    ];
    writeFileSync(
      join(dir, 'medicalcor.config.yaml'),
      [
        'environments:',
        '  staging:',
        `    redisUrl: ${TEST_REDIS_URL}`,
        ...k8sConfig('proxy'),
        '  inside:',
        `    redisUrl: ${TEST_REDIS_URL}`,
        ...k8sConfig('direct'),
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    for (const s of pods) await new Promise((r) => s.close(r));
    await k8s?.close();
    rmSync(join(dir, 'medicalcor.config.yaml'), { force: true });
  });

  const podCli = (args: string[], env = 'staging') =>
    cli([...args, '--env', env], { KUBECONFIG: join(dir, 'kubeconfig'), MC_API_ADMIN_TOKEN: ADMIN_TOKEN });

  it(
    "shows each pod's breakers through the Kubernetes API pods " +
      'proxy, with the admin token (exit 3: one pod holds it open)',
    async () => {
      k8s.proxied.length = 0;
      const result = await podCli(['breaker', 'list', '--pods', '-o', 'json']);
      expect(result.stderr).toBe('');
      expect(result.exitCode, result.stderr).toBe(3);
      const body = JSON.parse(result.stdout);
      expect(body.pods.map((p: { pod: string }) => p.pod).sort()).toEqual(['api-7d9f-a', 'api-7d9f-b']);
      const a = body.pods.find((p: { pod: string }) => p.pod === 'api-7d9f-a');
      expect(a.breakers[0]).toMatchObject({ name: 'hubspot', state: 'open', failures: 5 });
      expect(body.pods.find((p: { pod: string }) => p.pod === 'api-7d9f-b').breakers[0].state).toBe('closed');
      // from outside the cluster: every pod was reached through the API server, which got the kubeconfig's credentials
      expect(k8s.proxied.map((r) => `${r.pod} ${r.path}`).sort()).toEqual([
        'api-7d9f-a /health/circuit-breakers',
        'api-7d9f-b /health/circuit-breakers',
      ]);
      expect(
        k8s.proxied.every(
          (r) => r.authorization === 'Bearer not-a-real-token' && r.headers['x-admin-token'] === ADMIN_TOKEN,
        ),
      ).toBe(true);
      expect(result.stdout).not.toContain(ADMIN_TOKEN);
    },
  );

  it('reaches pods by IP when the environment says podAccess: direct', async () => {
    const result = await podCli(['breaker', 'list', '--pods', '-o', 'json'], 'inside');
    expect(result.exitCode, result.stderr).toBe(3);
    expect(JSON.parse(result.stdout).pods.every((p: { error: string | null }) => p.error === null)).toBe(true);
  });

  it('without the admin token the pods refuse, and the command says so per pod (exit 4)', async () => {
    const result = await cli(['breaker', 'list', '--pods', '--env', 'staging'], {
      KUBECONFIG: join(dir, 'kubeconfig'),
      MC_API_ADMIN_TOKEN: 'wrong',
    });
    expect(result.exitCode, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/pod api-7d9f-a: .*HTTP 401/);
  });

  it('reset --pods resets the shared breaker and the breaker in every pod', async () => {
    await store.forceOpen('hubspot', { forMs: 60_000, reason: 'test', actor: 'test' });
    const result = await podCli(['breaker', 'reset', 'hubspot', '--pods']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(resets.sort()).toEqual(['127.0.0.2:hubspot', '127.0.0.3:hubspot']);
    expect((await store.get('hubspot'))?.state).toBe('closed');
  });

  it('an open pod breaker still exits 3 when another pod cannot be reached; the JSON carries both', async () => {
    k8s.setPods([
      { name: 'api-7d9f-a', labels: { app: 'medicalcor-api' }, ip: '127.0.0.2', ready: true, namespace: 'clinic' },
      { name: 'api-7d9f-c', labels: { app: 'medicalcor-api' }, ip: '127.0.0.4', ready: true, namespace: 'clinic' },
    ]);
    const result = await podCli(['breaker', 'list', '--pods']);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/pod api-7d9f-c: .*HTTP 503/);
    expect(result.stdout).toMatch(/api-7d9f-a\s+127\.0\.0\.2\s+hubspot\s+open/);
    expect(result.stdout).toMatch(/api-7d9f-c\s+127\.0\.0\.4\s+unreachable/);
    const json = await podCli(['breaker', 'list', '--pods', '-o', 'json']);
    expect(json.exitCode).toBe(3);
    const body = JSON.parse(json.stdout);
    expect(body).toMatchObject({ problem: true, partial: true });
    expect(body.pods.find((p: { pod: string }) => p.pod === 'api-7d9f-c').error).toMatch(/HTTP 503/);
    expect(body.pods.find((p: { pod: string }) => p.pod === 'api-7d9f-a').breakers[0].state).toBe('open');
    // direct access to an unreachable pod IP says so the same way
    const direct = await podCli(['breaker', 'list', '--pods'], 'inside');
    expect(direct.exitCode).toBe(3);
    expect(direct.stderr).toMatch(/pod api-7d9f-c: cannot reach http:\/\/127\.0\.0\.4/);
  });
});
