/**
 * The step-kind registry is the one list: the kinds the runbook schema accepts are exactly the
 * registry's, every kind module in steps/ is registered, and each kind's parts work on their own.
 * Plus the pure rules of the lease (who is gone) and the plain-text tables steps print.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goneBecause, parseRunbook, RunbookFileError, stepUnion } from '../src/core/runbook/index.js';
import { kindNames, rollbackSchema, STEP_KINDS, stepKind } from '../src/core/runbook/steps/index.js';
import { PROBE_KINDS, probeSchema } from '../src/core/runbook/steps/probes.js';
import { plainTable } from '../src/core/runbook/steps/plain-table.js';
import { repoRoot } from './helpers/cli.js';

const literalKinds = (options: readonly { shape: { kind: { value: unknown } } }[]) =>
  options.map((o) => String(o.shape.kind.value)).sort();

describe('the step-kind registry', () => {
  it("the runbook schema accepts exactly the registry's kinds (steps, verify probes, rollbacks)", () => {
    expect(literalKinds(stepUnion.options)).toEqual([...kindNames()].sort());
    expect(literalKinds(probeSchema.options)).toEqual(PROBE_KINDS.map((k) => k.kind).sort());
    expect(literalKinds(rollbackSchema.options)).toEqual(
      kindNames()
        .filter((k) => k !== 'wait')
        .sort(),
    );
    expect(kindNames().sort()).toEqual(['breaker', 'check', 'http', 'k8s', 'manual', 'redis', 'shell', 'sql', 'wait']);
  });

  it('every kind module in src/core/runbook/steps is registered, once', () => {
    const dir = join(repoRoot, 'src', 'core', 'runbook', 'steps');
    const defined = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        [...readFileSync(join(dir, f), 'utf8').matchAll(/defineStepKind\(\{\s*kind: '([a-z0-9-]+)'/g)].map(
          (m) => m[1]!,
        ),
      );
    expect(defined.sort()).toEqual([...kindNames()].sort());
    expect(new Set(kindNames()).size).toBe(STEP_KINDS.length);
  });

  it("an unknown kind is refused naming the registry's kinds", () => {
    try {
      parseRunbook('id: x\ntitle: X\nsteps:\n  - { id: a, kind: kubectl, mutates: false }\n', 'x.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RunbookFileError);
      expect((error as RunbookFileError).issues[0]!.message).toBe(`kind must be one of ${kindNames().join(', ')}`);
    }
  });

  it("each kind renders, describes and checks its own actions, and refuses another kind's", () => {
    const ctx = {
      config: {
        envName: 'local',
        redisKeyPrefix: 'mc:',
        kubernetes: {
          namespace: 'prod',
          apiService: 'medicalcor-api',
          apiPort: 3000,
          podAccess: 'proxy' as const,
          adminTokenHeader: 'x-admin-token',
        },
      },
      medicalcorArgv: ['node', 'bin/medicalcor'],
    };
    const shell = stepKind('shell');
    const trace = { kind: 'shell', command: ['medicalcor', 'trace', '{{id}}'], okExitCodes: [0] };
    const rendered = shell.render(trace, { id: 'c-1' }, ctx);
    expect(shell.describe(rendered)).toBe('argv: ["node","bin/medicalcor","trace","c-1"]');
    expect(() => stepKind('sql').describe(rendered)).toThrow('step kind sql was handed a shell action');
    const k8s = stepKind('k8s');
    const bare = { kind: 'k8s', action: 'scale' };
    const scale = { kind: 'k8s', action: 'scale', deployment: 'api', replicas: '{{n}}' };
    expect(k8s.check(bare).map((i) => i.field)).toEqual(['deployment', 'replicas']);
    expect(k8s.automaticUndo(scale)).toBe('scale back');
    expect(k8s.describe(k8s.render(scale, { n: '3' }, ctx))).toContain(
      '/apis/apps/v1/namespaces/prod/deployments/api/scale',
    );
    expect(stepKind('sql').dryRun).toBe('rolled-back');
    expect(stepKind('manual').dryRun).toBe('never');
    for (const kind of STEP_KINDS) expect(kind.defaultTimeout).toMatch(/^\d+(ms|s|m|h)$/);
  });
});

describe('lease rules', () => {
  const here = { host: hostname(), pid: process.pid };
  it('a holder on this host whose pid is gone, or whose heartbeat expired, is gone; a live one is not', () => {
    expect(goneBecause({ holder: here, heartbeatAt: new Date(), expired: false }, here)).toBeUndefined();
    expect(
      goneBecause({ holder: { host: here.host, pid: 2 ** 22 + 1 }, heartbeatAt: new Date(), expired: false }, here),
    ).toMatch(/is gone/);
    expect(
      goneBecause({ holder: { host: 'other', pid: 1 }, heartbeatAt: new Date(), expired: false }, here),
    ).toBeUndefined();
    expect(goneBecause({ holder: { host: 'other', pid: 1 }, heartbeatAt: new Date(), expired: true }, here)).toMatch(
      /stopped its heartbeat/,
    );
    expect(goneBecause({ heartbeatAt: null, expired: false }, here)).toMatch(/no lease/);
  });
});

describe('plain-text tables of step output', () => {
  it('aligns columns, keeps cells on one line, and has no colour or box drawing', () => {
    const text = plainTable(
      [
        { a: 'x', b: 'two\nlines' },
        { a: 'longer', b: null },
      ],
      [
        { header: 'A', value: (r) => r.a },
        { header: 'B', value: (r) => r.b },
      ],
    );
    expect(text).toBe('A       B\nx       two lines\nlonger');
  });
});
