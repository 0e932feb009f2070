/**
 * Runbook steps that reach other systems: Kubernetes (a local server answering like the API and
 * recording PATCH bodies, reached through a real kubeconfig), Redis and the shared breakers
 * (real Redis). Dry runs send no PATCH and write no key; real runs do; a failure scales back
 * and closes the breaker again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BreakerStore } from '../src/core/breakers/index.js';
import { createKubernetesClient } from '../src/core/kubernetes/index.js';
import { kubeconfig, startFakeKubernetes, type FakeKubernetes } from './fakes/kubernetes.js';
import { spawnCli } from './helpers/cli.js';
import { runInProcess as runCli } from './helpers/in-process.js';
import { applySchema, createTestDatabase, type TestDatabase } from './helpers/postgres.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from './helpers/redis.js';

let db: TestDatabase;
let fake: FakeKubernetes;
let redis: Redis;
let project: string;
let api: Server;
const apiRequests: { method: string; url: string; body: string }[] = [];
let apiReady = false;
const prefix = uniquePrefix('runbook');
const NAMESPACE = 'medicalcor';

function resetCluster(): void {
  fake.patches.length = 0;
  fake.setService('medicalcor-api', { app: 'medicalcor-api' }, NAMESPACE);
  fake.setPods([
    { name: 'medicalcor-api-7d9f-a', labels: { app: 'medicalcor-api' }, ip: '10.1.0.11', namespace: NAMESPACE },
    {
      name: 'medicalcor-api-7d9f-b',
      labels: { app: 'medicalcor-api' },
      ip: '10.1.0.12',
      ready: false,
      namespace: NAMESPACE,
    },
    { name: 'worker-1', labels: { app: 'worker' }, ip: '10.1.0.20', namespace: NAMESPACE },
  ]);
  fake.setDeployment('medicalcor-api', { replicas: 3, namespace: NAMESPACE });
}

const run = (args: string[]) =>
  runCli(['--env', 'staging', 'runbook', ...args], {
    cwd: project,
    env: {
      MEDICALCOR_DATABASE_URL: db.url,
      MEDICALCOR_REDIS_URL: TEST_REDIS_URL,
      MEDICALCOR_REDIS_PREFIX: prefix,
      KUBECONFIG: join(project, 'kubeconfig'),
    },
  });

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase('mc_runbook_sys'), startFakeKubernetes(NAMESPACE)]);
  await applySchema(db.url);
  redis = new Redis(TEST_REDIS_URL);
  api = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      apiRequests.push({ method: req.method!, url: req.url!, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          req.url === '/ready' ? { ready: apiReady } : { ok: true, replayed: req.method === 'POST' ? 3 : 0 },
        ),
      );
    });
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  project = mkdtempSync(join(tmpdir(), 'mc-runbook-sys-'));
  mkdirSync(join(project, 'runbooks'));
  writeFileSync(
    join(project, 'kubeconfig'),
    kubeconfig(fake.url, { context: 'fake', namespace: NAMESPACE, token: 'kube-token-0123456789abcdef' }),
  );
  writeFileSync(
    join(project, 'medicalcor.config.yaml'),
    `runbooksDir: runbooks
environments:
  staging:
    kubernetes: { context: fake, namespace: ${NAMESPACE}, apiService: medicalcor-api }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'scale-and-restart.yaml'),
    `
id: scale-and-restart
title: Scale, restart, flag and open a breaker
parameters:
  - { name: replicas, type: int, default: 5 }
  - { name: fail, type: bool, default: false }
steps:
  - { id: pods, kind: k8s, mutates: false, action: service-pods, service: '{{env.apiService}}' }
  - { id: scale, kind: k8s, mutates: true, action: scale, deployment: medicalcor-api, replicas: '{{replicas}}' }
  - { id: restart, kind: k8s, mutates: true, action: rollout-restart, deployment: medicalcor-api }
  - id: flag
    kind: redis
    mutates: true
    command: [SET, '{{env.redisPrefix}}runbook:flag', 'set-by-{{run.actor}}']
    rollback: { kind: redis, command: [DEL, '{{env.redisPrefix}}runbook:flag'] }
    verify: { kind: redis, command: [GET, '{{env.redisPrefix}}runbook:flag'],
        expect: { value: { matches: '^set-by-' } } }
  - { id: open-openai, kind: breaker, mutates: true, action: open, name: openai, for: 10m, reason: incident 42 }
  - { id: maybe-fail, kind: shell, mutates: false, command: [node, -e,
      'process.exit(process.argv[1] === "true" ? 1 : 0)', '{{fail}}'] }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'http-and-wait.yaml'),
    `
id: http-and-wait
title: HTTP and wait
parameters: [{ name: item, required: true }]
steps:
  - { id: get, kind: http, mutates: false, url: '${apiUrl}/items/{{item}}?q={{item}}', expect: { value: { path: ok,
      equals: true } } }
  - { id: replay, kind: http, mutates: true, method: POST, url: '${apiUrl}/replay', body: { item: '{{item}}',
      by: '{{run.actor}}' } }
  - id: ready
    kind: wait
    mutates: false
    timeout: 15s
    interval: 200ms
    until: { kind: http, url: '${apiUrl}/ready', expect: { value: { path: ready, equals: true } } }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'read-note.yaml'),
    `
id: read-note
title: Read a note from Redis
steps:
  - { id: note, kind: redis, mutates: false, command: [GET, '{{env.redisPrefix}}runbook:note'] }
  - { id: notes, kind: redis, mutates: false, command: [MGET, '{{env.redisPrefix}}runbook:note',
      '{{env.redisPrefix}}runbook:none'] }
`,
  );
  writeFileSync(
    join(project, 'runbooks', 'wait-timeout.yaml'),
    `
id: wait-timeout
title: Wait that times out
steps:
  - id: never
    kind: wait
    mutates: false
    timeout: 1s
    interval: 200ms
    until: { kind: sql, sql: select count(*) from leads, expect: { value: { min: 1 } } }
`,
  );
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
  api?.close();
  await Promise.all([db?.drop(), fake?.close()]);
  if (project) rmSync(project, { recursive: true, force: true });
});

beforeEach(async () => {
  resetCluster();
  await deleteKeys(redis, prefix);
});

describe('kubernetes client', () => {
  it("lists a Service's pods by its selector, scales and restarts like kubectl", async () => {
    const client = createKubernetesClient({ namespace: NAMESPACE, server: fake.url });
    expect(await client.listServicePods('medicalcor-api')).toEqual([
      expect.objectContaining({ name: 'medicalcor-api-7d9f-a', ip: '10.1.0.11', ready: true }),
      expect.objectContaining({ name: 'medicalcor-api-7d9f-b', ip: '10.1.0.12', ready: false }),
    ]);
    expect((await client.listPods('app=worker')).map((p) => p.name)).toEqual(['worker-1']);
    expect(await client.scaleDeployment('medicalcor-api', 4)).toEqual({
      deployment: 'medicalcor-api',
      previousReplicas: 3,
      replicas: 4,
    });
    const restart = await client.rolloutRestart('medicalcor-api', new Date('2025-06-01T03:00:00Z'));
    expect(restart.restartedAt).toBe('2025-06-01T03:00:00.000Z');
    expect(fake.patches).toEqual([
      {
        path: `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/medicalcor-api/scale`,
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 4 } },
      },
      {
        path: `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/medicalcor-api`,
        contentType: 'application/strategic-merge-patch+json',
        body: {
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-01T03:00:00.000Z' } },
            },
          },
        },
      },
    ]);
  });

  it("says what failed in one line with the API's reason", async () => {
    const client = createKubernetesClient({ namespace: NAMESPACE, server: fake.url });
    await expect(client.scaleDeployment('nope', 1)).rejects.toThrow(
      `Kubernetes: read deployment ${NAMESPACE}/nope failed (HTTP 404): deployments.apps "nope" not found.`,
    );
    fake.failNext('GET', /\/services\//, 403);
    await expect(client.listServicePods('medicalcor-api')).rejects.toThrow(/HTTP 403/);
  });
});

describe('runbook steps on Kubernetes, Redis and breakers', () => {
  it('a dry run reads the pods and shows the exact patches, but sends no PATCH and writes nothing', async () => {
    const result = await run(['run', 'scale-and-restart', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.steps[0]).toMatchObject({
      status: 'succeeded',
      data: [
        expect.objectContaining({ name: 'medicalcor-api-7d9f-a' }),
        expect.objectContaining({ name: 'medicalcor-api-7d9f-b' }),
      ],
    });
    expect(report.steps[0].output).toContain('(1/2 ready)');
    expect(report.steps[1]).toMatchObject({ status: 'skipped' });
    expect(report.steps[1].action).toBe(
      `PATCH /apis/apps/v1/namespaces/${NAMESPACE}/deployments/medicalcor-api/scale\ncontent-type: ` +
        `application/merge-patch+json\n{"spec":{"replicas":5}}`,
    );
    expect(report.steps[2].action).toContain('"kubectl.kubernetes.io/restartedAt"');
    expect(report.steps[3].action).toBe(`redis: "SET" "${prefix}runbook:flag" "set-by-${report.actor}"`);
    expect(fake.patches).toEqual([]);
    expect(fake.deployment('medicalcor-api', NAMESPACE)?.replicas).toBe(3);
    expect(await redis.exists(`${prefix}runbook:flag`)).toBe(0);
    expect(await new BreakerStore(redis, { keyPrefix: prefix }).list()).toEqual([]);
  });

  it('--execute scales, restarts, sets the key and opens the breaker', async () => {
    const result = await run(['run', 'scale-and-restart', '--execute', '--actor', 'carol']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fake.deployment('medicalcor-api', NAMESPACE)?.replicas).toBe(5);
    expect(fake.deployment('medicalcor-api', NAMESPACE)?.annotations?.['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
    expect(await redis.get(`${prefix}runbook:flag`)).toBe('set-by-carol');
    const [openai] = await new BreakerStore(redis, { keyPrefix: prefix }).list();
    expect(openai).toMatchObject({ name: 'openai', state: 'open' });
    expect(openai!.forced).toMatchObject({ reason: 'incident 42', actor: 'carol' });
    const verify = await db.pool.query(
      `select status from runbook_step_runs where step_id = 'flag' and phase = 'verify'`,
    );
    expect(verify.rows).toEqual([{ status: 'succeeded' }]);
  });

  it('a failure scales back to the replicas it found, deletes the key and closes the breaker', async () => {
    const result = await run([
      'run',
      'scale-and-restart',
      '--execute',
      '-p',
      'fail=true',
      '-p',
      'replicas=7',
      '-o',
      'json',
    ]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('rolled_back');
    expect(fake.patches.map((p) => p.body)).toEqual([
      { spec: { replicas: 7 } },
      {
        spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': expect.any(String) } } } },
      },
      { spec: { replicas: 3 } },
    ]);
    expect(fake.deployment('medicalcor-api', NAMESPACE)?.replicas).toBe(3);
    expect(await redis.exists(`${prefix}runbook:flag`)).toBe(0);
    const [openai] = await new BreakerStore(redis, { keyPrefix: prefix }).list();
    expect(openai).toMatchObject({ name: 'openai', state: 'closed' });
    // a rollout restart cannot be undone: it says so instead of pretending
    expect(report.steps[2].rollback).toEqual({
      status: 'skipped',
      error: 'no rollback defined: undo by hand if needed',
    });
    const rollbacks = await db.pool.query(
      `select step_id, status from runbook_step_runs where run_id = $1 and phase = 'rollback' order by id`,
      [report.runId],
    );
    expect(rollbacks.rows).toEqual([
      { step_id: 'open-openai', status: 'succeeded' },
      { step_id: 'flag', status: 'succeeded' },
      { step_id: 'scale', status: 'succeeded' },
    ]);
  });

  it(
    'http: a parameter is one URL component; a dry run sends ' + 'only the GET and reads the wait condition once',
    async () => {
      apiRequests.length = 0;
      const item = 'a/b?c; rm -rf';
      const dry = await run(['run', 'http-and-wait', '-p', `item=${item}`, '-o', 'json']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(apiRequests).toEqual([
        { method: 'GET', url: `/items/${encodeURIComponent(item)}?q=${encodeURIComponent(item)}`, body: '' },
        { method: 'GET', url: '/ready', body: '' },
      ]);
      const report = JSON.parse(dry.stdout);
      expect(report.steps[1].action).toContain(`POST http`);
      expect(report.steps[2].output).toContain('condition does not hold yet: value false, expected true');
    },
  );

  it('wait polls until the condition holds; the POST carries the value as JSON', async () => {
    apiRequests.length = 0;
    const child = spawnCli(
      [
        '--env',
        'staging',
        'runbook',
        'run',
        'http-and-wait',
        '-p',
        'item=lead-42',
        '--execute',
        '--actor',
        'dave',
        '-o',
        'json',
      ],
      {
        cwd: project,
        env: { MEDICALCOR_DATABASE_URL: db.url, MEDICALCOR_REDIS_URL: TEST_REDIS_URL, MEDICALCOR_REDIS_PREFIX: prefix },
      },
    );
    apiReady = false;
    // ready only once the runbook has seen it not ready: the wait must have polled
    for (let i = 0; i < 400 && !apiRequests.some((r) => r.url === '/ready'); i++)
      await new Promise((r) => setTimeout(r, 50));
    apiReady = true;
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(JSON.parse(apiRequests.find((r) => r.method === 'POST')!.body)).toEqual({ item: 'lead-42', by: 'dave' });
    const report = JSON.parse(String(result.stdout));
    expect(report.steps[2].output).toMatch(/condition holds \(after (\d+) checks\)/);
    expect(Number(/after (\d+) checks/.exec(report.steps[2].output)![1])).toBeGreaterThan(1);
  });

  it('a Redis reply in -o json has its secrets and phone numbers removed, like the step output', async () => {
    const apiKey = 'sk_live_0123456789abcdefXYZ';
    await redis.set(`${prefix}runbook:note`, `key ${apiKey}, patient +40 721 234 567`);
    const result = await run(['run', 'read-note', '-o', 'json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(apiKey);
    expect(result.stdout).not.toContain('721 234 567');
    const report = JSON.parse(result.stdout);
    expect(report.steps[0].data).toMatch(/^key sk_.*, patient \+\*\*\*67$/);
    expect(report.steps[1].data).toEqual([report.steps[0].data, null]);
  });

  it('wait fails when its timeout passes first', async () => {
    const result = await run(['run', 'wait-timeout', '--execute']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /step 1 "never" failed: condition still not met after 1s \(\d+ checks\): value "0", expected at least 1/,
    );
  });
});
