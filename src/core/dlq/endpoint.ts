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

/** A header the replay endpoint authenticates the CLI by; `value` is a secret, never printed. */
export interface ReplayCredential {
  header: string;
  value: string;
}

/**
 * The environment's replay credential (dlqReplayToken, by environment-variable reference), or
 * none when the environment names none. A named variable that is unset is refused here, before
 * anything is posted: a replay without it would only collect 401s and trip the breakers.
 */
export function replayCredential(
  config: Pick<ResolvedConfig, 'dlqReplayCredential' | 'envName'>,
): ReplayCredential | undefined {
  const credential = config.dlqReplayCredential;
  if (!credential) return undefined;
  if (!credential.value) {
    throw invalidInput(`${credential.where} names environment variable ${credential.variable}, which is not set.`, {
      code: 'dlq.replay-token-unset',
      facts: { variable: credential.variable, environment: config.envName },
      remedy: `Export ${credential.variable} (the replay endpoint's token, from your secret manager) and replay again.`,
    });
  }
  const value = credential.header === 'authorization' ? `Bearer ${credential.value}` : credential.value;
  return { header: credential.header, value };
}
