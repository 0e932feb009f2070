import type { Dispatcher } from 'undici';
import { unavailable } from '../errors.js';

export interface ApiPod {
  name: string;
  ip: string | null;
  ready: boolean;
}

/** How each API pod's admin endpoints are reached, and with which credentials. */
export interface PodAccess {
  /** undefined when the pod cannot be addressed (no IP yet, for direct access) */
  baseUrl(pod: ApiPod): string | undefined;
  headers: Record<string, string>;
  dispatcher?: Dispatcher;
  /** 'direct' (pod IP, from inside the cluster) or 'proxy' (the Kubernetes API server's pods proxy) */
  kind: 'direct' | 'proxy';
}

export interface AdminCredential {
  token?: string;
  /** the header the token goes in (default x-admin-token) */
  header?: string;
}

function credentialHeaders(credential: AdminCredential): Record<string, string> {
  return credential.token ? { [(credential.header ?? 'x-admin-token').toLowerCase()]: credential.token } : {};
}

/** By pod IP and port: works where pod IPs are routable (inside the cluster, or a flat network). */
export function directPodAccess(port: number, credential: AdminCredential = {}): PodAccess {
  return {
    kind: 'direct',
    baseUrl: (pod) => (pod.ip ? `http://${pod.ip.includes(':') ? `[${pod.ip}]` : pod.ip}:${port}` : undefined),
    headers: credentialHeaders(credential),
  };
}

/**
 * Through the Kubernetes API server (`/api/v1/namespaces/NS/pods/NAME:PORT/proxy/...`) with the
 * kubeconfig's credentials and TLS settings: works from an operator's laptop outside the cluster.
 * The API server strips Authorization before it proxies, so the admin token travels in its own header.
 */
export async function kubernetesProxyAccess(options: {
  namespace: string;
  port: number;
  context?: string;
  kubeconfigPath?: string;
  credential?: AdminCredential;
}): Promise<PodAccess> {
  const k8s = await import('@kubernetes/client-node');
  const { Agent } = await import('undici');
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
    else kc.loadFromDefault();
    if (options.context) kc.setCurrentContext(options.context);
  } catch (error) {
    throw unavailable(`Kubernetes: cannot use the kubeconfig: ${(error as Error).message.split('\n')[0]}.`, {
      code: 'kubernetes-config',
      cause: error,
    });
  }
  const server = kc.getCurrentCluster()?.server;
  if (!server)
    throw unavailable('Kubernetes: the kubeconfig names no API server for the current context.', {
      code: 'kubernetes-config',
    });
  const https: {
    headers?: Record<string, unknown>;
    ca?: string | Buffer;
    cert?: string | Buffer;
    key?: string | Buffer;
    rejectUnauthorized?: boolean;
  } = {};
  await kc.applyToHTTPSOptions(https);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(https.headers ?? {}))
    if (typeof value === 'string') headers[name.toLowerCase()] = value;
  const dispatcher = server.startsWith('https:')
    ? new Agent({
        connect: { ca: https.ca, cert: https.cert, key: https.key, rejectUnauthorized: https.rejectUnauthorized },
      })
    : undefined;
  const base = server.replace(/\/+$/, '');
  const ns = encodeURIComponent(options.namespace);
  return {
    kind: 'proxy',
    baseUrl: (pod) => `${base}/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod.name)}:${options.port}/proxy`,
    headers: { ...headers, ...credentialHeaders(options.credential ?? {}) },
    dispatcher,
  };
}
