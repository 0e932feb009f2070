import type { ResolvedConfig } from '../config/index.js';

/** What rendering a step needs besides its values: the environment's settings and how to start this CLI. */
export interface PlanContext {
  config: Pick<
    ResolvedConfig,
    'apiBaseUrl' | 'prometheusUrl' | 'trigger' | 'kubernetes' | 'redisKeyPrefix' | 'envName'
  >;
  /** how to start this CLI: [node, bin/medicalcor] */
  medicalcorArgv: string[];
}
