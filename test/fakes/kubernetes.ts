/**
 * A local HTTP server answering like the Kubernetes API for the few endpoints the CLI uses
 * (Service, PodList, Deployment, Scale), with the real objects' shapes and the real Status
 * object on errors. It records every PATCH so tests can assert what would reach a cluster.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePod {
  name: string;
  labels: Record<string, string>;
  ip?: string | null;
  ready?: boolean;
  phase?: string;
  namespace?: string;
}

export interface FakeDeployment {
  replicas: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  namespace?: string;
}

export interface RecordedPatch {
  path: string;
  body: unknown;
  contentType: string;
}

export interface ProxiedRequest {
  pod: string;
  method: string;
  path: string;
  /** the headers that reached the pod (the API server strips Authorization, as the real one does) */
  headers: Record<string, string | string[] | undefined>;
  /** the credential the API server itself received */
  authorization: string | undefined;
}

export interface FakeKubernetes {
  url: string;
  patches: RecordedPatch[];
  /** every request through the pods proxy (/api/v1/namespaces/NS/pods/NAME:PORT/proxy/...) */
  proxied: ProxiedRequest[];
  setPods(pods: FakePod[]): void;
  setService(name: string, selector: Record<string, string>, namespace?: string): void;
  setDeployment(name: string, deployment: FakeDeployment): void;
  deployment(name: string, namespace?: string): FakeDeployment | undefined;
  /** the next request whose method and path match answers with this HTTP status */
  failNext(method: string, pathPattern: RegExp, code: number): void;
  close(): Promise<void>;
}

function matches(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector
    .split(',')
    .filter(Boolean)
    .every((term) => {
      const [key, value] = term.split(/!?=+/);
      const negate = term.includes('!=');
      return negate ? labels[key!] !== value : labels[key!] === value;
    });
}

function status(code: number, reason: string, message: string, details?: Record<string, string>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

export async function startFakeKubernetes(defaultNamespace = 'default'): Promise<FakeKubernetes> {
  let pods: FakePod[] = [];
  const services = new Map<string, Record<string, string>>();
  const deployments = new Map<string, FakeDeployment>();
  const patches: RecordedPatch[] = [];
  const proxied: ProxiedRequest[] = [];
  const failures: { method: string; pattern: RegExp; code: number }[] = [];
  let resourceVersion = 1000;
  const key = (namespace: string, name: string) => `${namespace}/${name}`;

  const podObject = (pod: FakePod, namespace: string) => ({
    metadata: {
      name: pod.name,
      namespace,
      uid: `uid-${pod.name}`,
      labels: pod.labels,
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    spec: { containers: [{ name: 'app', image: 'medicalcor/api:latest' }] },
    status: {
      phase: pod.phase ?? 'Running',
      podIP: pod.ip === null ? undefined : (pod.ip ?? '10.0.0.1'),
      conditions: [
        { type: 'Ready', status: pod.ready === false ? 'False' : 'True', lastTransitionTime: '2025-01-01T00:00:00Z' },
      ],
      containerStatuses: [
        { name: 'app', ready: pod.ready !== false, restartCount: 0, image: 'medicalcor/api:latest', imageID: '' },
      ],
    },
  });
  const deploymentObject = (name: string, namespace: string, d: FakeDeployment) => ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      resourceVersion: String(resourceVersion),
      generation: 1,
      labels: d.labels ?? { app: name },
    },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: d.labels ?? { app: name } },
      template: {
        metadata: { labels: d.labels ?? { app: name }, annotations: d.annotations ?? {} },
        spec: { containers: [{ name: 'app', image: 'medicalcor/api:latest' }] },
      },
    },
    status: {
      replicas: d.replicas,
      readyReplicas: d.replicas,
      availableReplicas: d.replicas,
      updatedReplicas: d.replicas,
    },
  });
  const scaleObject = (name: string, namespace: string, d: FakeDeployment) => ({
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: String(resourceVersion) },
    spec: { replicas: d.replicas },
    status: {
      replicas: d.replicas,
      selector: Object.entries(d.labels ?? { app: name })
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    },
  });

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const failure = failures.findIndex((f) => f.method === method && f.pattern.test(url.pathname));
    if (failure >= 0) {
      const [f] = failures.splice(failure, 1);
      return send(
        f!.code,
        status(f!.code, f!.code === 403 ? 'Forbidden' : 'InternalError', `injected failure for ${url.pathname}`),
      );
    }
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/:]+):(\d+)\/proxy(\/.*)?$/))) {
      // the pods proxy: the API server forwards to the pod's IP and port, minus its own credentials
      const [, ns, name, port, rest] = m.map((x) => (x === undefined ? x : decodeURIComponent(x)));
      const pod = pods.find((p) => p.name === name && (p.namespace ?? defaultNamespace) === ns);
      if (!pod) return send(404, status(404, 'NotFound', `pods "${name}" not found`, { name: name!, kind: 'pods' }));
      const headers = { ...req.headers };
      delete headers.authorization;
      delete headers.host;
      proxied.push({
        pod: name!,
        method,
        path: `${rest ?? '/'}${url.search}`,
        headers,
        authorization: req.headers.authorization,
      });
      const forward = httpRequest(
        {
          host: pod.ip ?? '0.0.0.0',
          port: Number(port),
          method,
          path: `${rest ?? '/'}${url.search}`,
          headers,
          timeout: 3_000,
        },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.on('timeout', () => forward.destroy(new Error('timeout')));
      forward.on('error', (error) => {
        if (res.headersSent) return res.destroy();
        send(503, status(503, 'ServiceUnavailable', `error trying to reach service: ${(error as Error).message}`));
      });
      forward.end(raw);
      return;
    }
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)$/)) && method === 'GET') {
      const [, ns, name] = m.map(decodeURIComponent);
      const selector = services.get(key(ns!, name!));
      if (!selector)
        return send(404, status(404, 'NotFound', `services "${name}" not found`, { name: name!, kind: 'services' }));
      return send(200, {
        kind: 'Service',
        apiVersion: 'v1',
        metadata: { name, namespace: ns, uid: `uid-${name}`, resourceVersion: String(resourceVersion) },
        spec: {
          selector,
          ports: [{ protocol: 'TCP', port: 80, targetPort: 3000 }],
          type: 'ClusterIP',
          clusterIP: '10.96.0.10',
        },
        status: { loadBalancer: {} },
      });
    }
    if ((m = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/)) && method === 'GET') {
      const ns = decodeURIComponent(m[1]!);
      const selector = url.searchParams.get('labelSelector');
      const items = pods
        .filter((p) => (p.namespace ?? defaultNamespace) === ns && matches(p.labels, selector))
        .map((p) => podObject(p, ns));
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(resourceVersion) },
        items,
      });
    }
    if ((m = url.pathname.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)(\/scale)?$/))) {
      const [, ns, name] = m.map((s) => (s ? decodeURIComponent(s) : s));
      const isScale = Boolean(m[3]);
      const d = deployments.get(key(ns!, name!));
      if (!d)
        return send(
          404,
          status(404, 'NotFound', `deployments.apps "${name}" not found`, {
            name: name!,
            group: 'apps',
            kind: 'deployments',
          }),
        );
      if (method === 'PATCH') {
        const contentType = String(req.headers['content-type'] ?? '');
        let body: any;
        try {
          body = JSON.parse(raw);
        } catch {
          return send(400, status(400, 'BadRequest', 'the body of the request was in an unknown format'));
        }
        if (!/merge-patch\+json|strategic-merge-patch\+json/.test(contentType)) {
          return send(
            415,
            status(
              415,
              'UnsupportedMediaType',
              'the body of the request was in an unknown format - accepted media types include: ' +
                'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, ' +
                'application/strategic-merge-patch+json',
            ),
          );
        }
        patches.push({ path: url.pathname, body, contentType });
        resourceVersion += 1;
        if (typeof body?.spec?.replicas === 'number') d.replicas = body.spec.replicas;
        const annotations = body?.spec?.template?.metadata?.annotations;
        if (annotations) d.annotations = { ...(d.annotations ?? {}), ...annotations };
      } else if (method !== 'GET') {
        return send(405, status(405, 'MethodNotAllowed', `method ${method} not allowed`));
      }
      return send(200, isScale ? scaleObject(name!, ns!, d) : deploymentObject(name!, ns!, d));
    }
    return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    patches,
    proxied,
    setPods(next) {
      pods = next;
    },
    setService(name, selector, namespace = defaultNamespace) {
      services.set(key(namespace, name), selector);
    },
    setDeployment(name, deployment) {
      deployments.set(key(deployment.namespace ?? defaultNamespace, name), { ...deployment });
    },
    deployment(name, namespace = defaultNamespace) {
      return deployments.get(key(namespace, name));
    },
    failNext(method, pathPattern, code) {
      failures.push({ method, pattern: pathPattern, code });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface KubeconfigOptions {
  /** the context's name, also current-context (default `test`) */
  context?: string;
  /** the context's namespace; none by default, as a kubeconfig may leave it out */
  namespace?: string;
  /** the user's bearer token (default `not-a-real-token`) */
  token?: string;
}

/** A kubeconfig with one cluster at `server` (a fake's url), one token user and one context. */
export function kubeconfig(server: string, options: KubeconfigOptions = {}): string {
  const { context = 'test', namespace, token = 'not-a-real-token' } = options;
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${context}`,
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'contexts:',
    `- name: ${context}`,
    '  context:',
    '    cluster: fake',
    '    user: tester',
    ...(namespace ? [`    namespace: ${namespace}`] : []),
    'users:',
    '- name: tester',
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');
}
