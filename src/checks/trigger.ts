import { maskUrl } from '../core/output/index.js';
import { TriggerClient } from '../core/trigger/index.js';
import { fail, pass, skip, warn, type Check } from './types.js';

export const triggerCheck: Check = {
  id: 'trigger',
  title: 'Trigger.dev API reachable',
  required: false,
  async run(ctx) {
    const trigger = ctx.config.trigger;
    if (!trigger) return skip('no Trigger.dev configured');
    if (!trigger.secretKey) return warn(`Trigger.dev at ${maskUrl(trigger.url)} is configured without a secret key`, 'Export TRIGGER_SECRET_KEY (or name it in trigger.secretKey).');
    try {
      const client = new TriggerClient({ baseUrl: trigger.url, secretKey: trigger.secretKey, pageSize: 1 });
      await client.listRuns({ createdFrom: new Date(ctx.now.getTime() - 3_600_000), limit: 1 }, ctx.signal);
      return pass(`${maskUrl(trigger.url)} accepts the secret key`);
    } catch (error) {
      return fail((error as Error).message, 'Check TRIGGER_SECRET_KEY and the Trigger.dev URL (MEDICALCOR_TRIGGER_URL or trigger.url).');
    }
  },
};
