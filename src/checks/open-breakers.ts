import { BreakerStore } from '../core/breakers/index.js';
import { fail, pass, warn, type Check } from './types.js';

export const openBreakersCheck: Check = {
  id: 'open-breakers',
  title: 'Circuit breakers closed',
  required: false,
  async run(ctx) {
    const redis = await ctx.redis();
    const breakers = await new BreakerStore(redis, { keyPrefix: ctx.config.redisKeyPrefix }).list();
    const open = breakers.filter((b) => b.state === 'open');
    const halfOpen = breakers.filter((b) => b.state === 'half_open');
    if (open.length) {
      return fail(
        `open: ${open.map((b) => b.name).join(', ')}` +
          (halfOpen.length ? `; half-open: ${halfOpen.map((b) => b.name).join(', ')}` : ''),
        'Calls to those services are refused. See "medicalcor breaker list"; once the service is healthy, ' +
          '"medicalcor breaker reset NAME".',
      );
    }
    if (halfOpen.length)
      return warn(
        `half-open (probing): ${halfOpen.map((b) => b.name).join(', ')}`,
        'They close by themselves after enough successful calls; "medicalcor breaker list" shows progress.',
      );
    return pass(breakers.length ? `${breakers.length} breakers, all closed` : 'no breaker has recorded state');
  },
};
