import type { ResolvedConfig } from '../config/index.js';
import { invalidInput } from '../errors.js';

/**
 * The platform's webhook replay endpoint for one webhook type: the environment's dlqReplayUrl
 * (":type" replaced), else {apiBaseUrl}/webhooks/replay/:type.
 */
export function replayEndpoint(
  config: Pick<ResolvedConfig, 'apiBaseUrl' | 'fileEnvironment' | 'envName'>,
): (type: string) => string {
  const template =
    config.fileEnvironment?.dlqReplayUrl ??
    (config.apiBaseUrl ? `${config.apiBaseUrl.replace(/\/+$/, '')}/webhooks/replay/:type` : undefined);
  if (!template) {
    throw invalidInput(`Environment "${config.envName}" names no webhook replay endpoint.`, {
      code: 'dlq.no-replay-endpoint',
      facts: { environment: config.envName },
      remedy: 'Give the environment an API base URL or a DLQ replay URL.',
    });
  }
  return (type) => template.replace(':type', encodeURIComponent(type));
}
