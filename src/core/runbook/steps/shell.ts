import { runCommand } from '../../shell/index.js';
import type { RenderedAction } from '../plan.js';
import { timedOutAfter } from './timeout.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

export async function runShell(action: Extract<RenderedAction, { kind: 'shell' }>, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  const isMedicalcor = action.argv[0] === deps.medicalcorArgv[0] && action.argv[1] === deps.medicalcorArgv[1];
  const env = { ...deps.env, ...(isMedicalcor ? deps.medicalcorEnv() : {}), ...action.env };
  const result = await runCommand(action.argv, { cwd: action.cwd, env, timeoutMs: run.timeoutMs, signal: run.signal });
  const output = [result.stdout, result.stderr].filter(Boolean).join('\n');
  if (result.spawnError) return { ok: false, output, exitCode: null, error: `cannot run ${action.argv[0]}: ${result.spawnError}` };
  if (result.interrupted) return { ok: false, output, exitCode: result.exitCode, interrupted: true, error: 'interrupted' };
  if (result.timedOut) return { ok: false, output, exitCode: result.exitCode, timedOut: true, error: timedOutAfter(run.timeoutMs) };
  const ok = result.exitCode !== null && action.okExitCodes.includes(result.exitCode);
  return { ok, output, exitCode: result.exitCode, value: result.stdout.trim(), error: ok ? undefined : `exited with code ${result.exitCode}` };
}
