import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfig, startFakeKubernetes, type FakeKubernetes } from './fakes/kubernetes.js';
import { runInProcess } from './helpers/in-process.js';

let k8s: FakeKubernetes;
const dir = mkdtempSync(join(tmpdir(), 'mc-check-k8s-'));

beforeAll(async () => {
  k8s = await startFakeKubernetes('clinic');
  k8s.setService('medicalcor-api', { app: 'medicalcor-api' }, 'clinic');
  writeFileSync(join(dir, 'kubeconfig'), kubeconfig(k8s.url, { namespace: 'clinic' }));
  writeFileSync(
    join(dir, 'medicalcor.config.yaml'),
    [
      'environments:',
      '  staging:',
      '    kubernetes:',
      '      context: test',
      '      namespace: clinic',
      '      apiService: medicalcor-api',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await k8s?.close();
  rmSync(dir, { recursive: true, force: true });
});

const kubernetesResult = async () => {
  const run = await runInProcess(['check', '--only', 'kubernetes', '--env', 'staging', '-o', 'json'], {
    cwd: dir,
    env: { KUBECONFIG: join(dir, 'kubeconfig') },
  });
  const report = JSON.parse(run.stdout) as { checks: { id: string; status: string; summary: string }[] };
  return report.checks.find((c) => c.id === 'kubernetes')!;
};

describe('check: the Kubernetes API and the API pods', () => {
  it('passes when pods behind the API service are ready, and fails (with what to do) when none is', async () => {
    k8s.setPods([
      { name: 'api-a', labels: { app: 'medicalcor-api' }, ip: '10.0.0.2', ready: true, namespace: 'clinic' },
      { name: 'api-b', labels: { app: 'medicalcor-api' }, ip: '10.0.0.3', ready: false, namespace: 'clinic' },
      { name: 'worker', labels: { app: 'worker' }, ip: '10.0.0.9', ready: true, namespace: 'clinic' },
    ]);
    const ok = await kubernetesResult();
    expect(ok.status).toBe('pass');
    expect(ok.summary).toContain('1 of 2 pods');

    k8s.setPods([
      { name: 'api-a', labels: { app: 'medicalcor-api' }, ip: '10.0.0.2', ready: false, namespace: 'clinic' },
    ]);
    const down = await kubernetesResult();
    expect(down.status).toBe('fail');
    expect(down.summary).toContain('no ready pod behind service clinic/medicalcor-api');
  });

  it('fails, without a stack trace, when the API server cannot be reached', async () => {
    // nothing listens on port 1
    writeFileSync(join(dir, 'kubeconfig.down'), kubeconfig('http://127.0.0.1:1'));
    const run = await runInProcess(['check', '--only', 'kubernetes', '--env', 'staging', '-o', 'json'], {
      cwd: dir,
      env: { KUBECONFIG: join(dir, 'kubeconfig.down') },
    });
    const check = (JSON.parse(run.stdout) as { checks: { id: string; status: string }[] }).checks[0]!;
    expect(check.status).toBe('fail');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
