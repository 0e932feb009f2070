import { maskUrl } from '../core/redact.js';
import { redisConfigured } from './context.js';
import { fail, pass, warn, type Check } from './types.js';

export const redisCheck: Check = {
  id: 'redis',
  title: 'Redis reachable',
  // the built-in default URL is a guess, not a configuration: failing to reach it is not a verdict on the environment
  required: redisConfigured,
  async run(ctx) {
    try {
      const redis = await ctx.redis();
      const pong = await redis.ping();
      return pass(`${maskUrl(ctx.config.redisUrl)} answers ${pong}`);
    } catch (error) {
      const remedy = 'Check that Redis is up and MEDICALCOR_REDIS_URL (or redisUrl in the config) is right.';
      const message = (error as Error).message.replace(/\.+$/, '');
      return redisConfigured(ctx.config)
        ? fail(message, remedy)
        : warn(`${message} (no Redis configured; this is the default URL)`, remedy);
    }
  },
};
