import { resolve } from 'node:path';
import { z } from 'zod';
import { fill } from '../template.js';
import { scalar } from './fields.js';
import { defineStepKind } from './kind.js';
import { shellInjectionIssues } from './shell-injection.js';
import { timedOutAfter } from './timeout.js';

function maskEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, /pass|secret|token|key/i.test(k) && v ? '****' : v]),
  );
}

/** A program with an argv array, in its own process group (core/shell); "medicalcor" is this CLI. */
export const shellKind = defineStepKind({
  kind: 'shell',
  schema: z.object({
    kind: z.literal('shell'),
    /** argv: the program and its arguments, one element each; "medicalcor" runs this CLI */
    command: z.array(scalar).min(1, 'needs at least the program to run'),
    cwd: z.string().optional(),
    env: z.record(z.string(), scalar).optional(),
    okExitCodes: z.array(z.number().int()).default([0]),
  }),
  defaultTimeout: '5m',
  dryRun: 'show',
  check: (action) =>
    shellInjectionIssues(action.command).map((issue) => ({ field: `command[${issue.index}]`, message: issue.message })),
  render(action, vars, ctx) {
    const text = (s: string) => fill(s, vars);
    const argv = action.command.map(text);
    // "medicalcor" is this CLI, started with the same Node and bin as the running process.
    if (argv[0] === 'medicalcor') argv.splice(0, 1, ...ctx.medicalcorArgv);
    const env = Object.fromEntries(Object.entries(action.env ?? {}).map(([k, v]) => [k, text(v)]));
    return {
      kind: 'shell' as const,
      argv,
      cwd: action.cwd ? text(action.cwd) : undefined,
      env,
      okExitCodes: action.okExitCodes,
    };
  },
  describe: (r) =>
    `argv: ${JSON.stringify(r.argv)}${r.cwd ? `\ncwd: ${r.cwd}` : ''}` +
    (Object.keys(r.env).length ? `\nenv: ${JSON.stringify(maskEnv(r.env))}` : ''),
  async run(action, _mutates, deps, run) {
    // core/shell spawns a supervisor: only runs that use a shell step pay for loading it
    const { runCommand } = await import('../../shell/index.js');
    const isMedicalcor = action.argv[0] === deps.medicalcorArgv[0] && action.argv[1] === deps.medicalcorArgv[1];
    const env = { ...deps.env, ...(isMedicalcor ? deps.medicalcorEnv() : {}), ...action.env };
    const cwd = action.cwd ? resolve(deps.cwd, action.cwd) : deps.cwd;
    const result = await runCommand(action.argv, { cwd, env, timeoutMs: run.timeoutMs, signal: run.signal });
    const output = [result.stdout, result.stderr].filter(Boolean).join('\n');
    if (result.spawnError)
      return { ok: false, output, exitCode: null, error: `cannot run ${action.argv[0]}: ${result.spawnError}` };
    if (result.interrupted)
      return { ok: false, output, exitCode: result.exitCode, interrupted: true, error: 'interrupted' };
    if (result.timedOut)
      return { ok: false, output, exitCode: result.exitCode, timedOut: true, error: timedOutAfter(run.timeoutMs) };
    const ok = result.exitCode !== null && action.okExitCodes.includes(result.exitCode);
    const how =
      result.exitCode === null ? `was ended by ${result.signal ?? 'a signal'}` : `exited with code ${result.exitCode}`;
    return { ok, output, exitCode: result.exitCode, value: result.stdout.trim(), error: ok ? undefined : how };
  },
});
