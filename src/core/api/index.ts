export { createApiAdminClient, ApiAdminError, type ApiAdminClient, type PodBreaker } from './admin.js';
export { readPodBreakers, resetPodBreakers, type ApiPod, type PodBreakers, type PodResetResult } from './pods.js';
