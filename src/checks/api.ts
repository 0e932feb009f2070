import { createApiAdminClient } from '../core/api/index.js';
import { maskUrl } from '../core/redact.js';
import { probe } from './support.js';
import { pass, skip, type Check } from './types.js';

export const apiCheck: Check = {
  id: 'api',
  title: 'Platform API reachable',
  required: false,
  async run(ctx) {
    const url = ctx.config.apiBaseUrl;
    if (!url) return skip('no API base URL configured');
    return probe('Check that the API is up and MEDICALCOR_API_URL (or apiBaseUrl) is right.', async () => {
      const breakers = await createApiAdminClient({ baseUrl: url, timeoutMs: 5_000 }).listCircuitBreakers();
      return pass(`${maskUrl(url)} answers /health/circuit-breakers (${breakers.length} breakers)`);
    });
  },
};
