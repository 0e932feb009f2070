import { maskUrl } from '../core/redact.js';
import { createPrometheusClient } from '../core/prometheus/index.js';
import { fail, pass, skip, type Check } from './types.js';

export const prometheusCheck: Check = {
  id: 'prometheus',
  title: 'Prometheus reachable',
  required: false,
  async run(ctx) {
    const url = ctx.config.prometheusUrl;
    if (!url) return skip('no Prometheus configured', 'Set MEDICALCOR_PROMETHEUS_URL or prometheusUrl to check SLAs.');
    const ready = await createPrometheusClient(url, { timeoutMs: 5_000 }).ready(ctx.signal);
    return ready
      ? pass(`${maskUrl(url)} is ready`)
      : fail(
          `Prometheus at ${maskUrl(url)} does not answer /-/ready`,
          'Check that Prometheus is up and the URL is right.',
        );
  },
};
