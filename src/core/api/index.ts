export { createApiAdminClient, ApiAdminError, type ApiAdminClient, type PodBreaker } from './admin.js';
export { readPodBreakers, resetPodBreakers, type PodBreakers, type PodResetResult } from './pods.js';
export { directPodAccess, kubernetesProxyAccess, type ApiPod, type PodAccess, type AdminCredential } from './access.js';
export { listFleetBreakers, type FleetBreakers } from './fleet.js';
