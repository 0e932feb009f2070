import { maskUrl } from '../core/redact.js';
import { TriggerClient } from '../core/trigger/index.js';
import { probe } from './support.js';
import { pass, skip, warn, type Check } from './types.js';

export const triggerCheck: Check = {
  id: 'trigger',
  title: 'Trigger.dev API reachable',
  required: false,
  async run(ctx) {
    const trigger = ctx.config.trigger;
    if (!trigger) return skip('no Trigger.dev configured');
    const { url, secretKey } = trigger;
    if (!secretKey)
      return warn(
        `Trigger.dev at ${maskUrl(url)} is configured without a secret key`,
        'Export TRIGGER_SECRET_KEY (or name it in trigger.secretKey).',
      );
    return probe(
      'Check TRIGGER_SECRET_KEY and the Trigger.dev URL (MEDICALCOR_TRIGGER_URL or trigger.url).',
      async () => {
        const client = new TriggerClient({ baseUrl: url, secretKey, pageSize: 1 });
        await client.listRuns({ createdFrom: new Date(ctx.now.getTime() - 3_600_000), limit: 1 }, ctx.signal);
        return pass(`${maskUrl(url)} accepts the secret key`);
      },
    );
  },
};
