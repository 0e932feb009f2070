import type { RenderedAction } from '../plan.js';
import { stepFailure, withTimeout } from './timeout.js';
import type { ActionResult, ActionRun, StepDeps } from './types.js';

function show(reply: unknown): string {
  if (reply === null) return '(nil)';
  if (Array.isArray(reply)) return reply.length ? reply.map((r, i) => `${i + 1}) ${show(r)}`).join('\n') : '(empty list)';
  return String(reply);
}

export async function runRedis(action: Extract<RenderedAction, { kind: 'redis' }>, deps: StepDeps, run: ActionRun): Promise<ActionResult> {
  try {
    const redis = await deps.redis();
    const [command, ...args] = action.command;
    const reply = await withTimeout(redis.call(command!, ...args), run);
    return { ok: true, output: show(reply), value: reply, data: reply, rows: Array.isArray(reply) ? reply.length : undefined };
  } catch (error) {
    return stepFailure(`redis ${action.command[0]}: `, error);
  }
}
