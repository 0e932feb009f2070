import { z } from 'zod';
import { fill } from '../template.js';
import { scalar } from './fields.js';
import { defineStepKind } from './kind.js';
import { stepFailure, withTimeout } from './timeout.js';

function show(reply: unknown): string {
  if (reply === null) return '(nil)';
  if (Array.isArray(reply))
    return reply.length ? reply.map((r, i) => `${i + 1}) ${show(r)}`).join('\n') : '(empty list)';
  return String(reply);
}

/** One Redis command as argv, e.g. [GET, "{{env.redisPrefix}}budget:frozen"]. */
export const redisKind = defineStepKind({
  kind: 'redis',
  schema: z.object({
    kind: z.literal('redis'),
    command: z.array(scalar).min(1, 'needs a Redis command'),
  }),
  defaultTimeout: '10s',
  dryRun: 'show',
  render: (action, vars) => ({ kind: 'redis' as const, command: action.command.map((a) => fill(a, vars)) }),
  describe: (r) => `redis: ${r.command.map((a) => JSON.stringify(a)).join(' ')}`,
  async run(action, _mutates, deps, run) {
    try {
      const redis = await deps.redis();
      const [command, ...args] = action.command;
      const reply = await withTimeout(redis.call(command!, ...args), run);
      return {
        ok: true,
        output: show(reply),
        value: reply,
        data: reply,
        rows: Array.isArray(reply) ? reply.length : undefined,
      };
    } catch (error) {
      return stepFailure(`redis ${action.command[0]}: `, error);
    }
  },
});
