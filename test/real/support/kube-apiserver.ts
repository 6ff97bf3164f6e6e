/**
 * The full upstream kube-apiserver (k8s.io/kubernetes v1.36.3, tools/real/kube-apiserver) with
 * embedded etcd, RBAC and Node authorization, a test PKI and a service-account signing key. The
 * harness talks to it as the admin (a client certificate in system:masters) and can mint a
 * kubeconfig for any ServiceAccount with the TokenRequest API, which is how a test runs a component
 * under its own RBAC. No controller-manager runs (docs/adr/0019).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClientTls, sendRequest } from '../../wire/kube/target.js';
import { commandIn, type NetworkNamespace } from './netns.js';
import { realBin, requireBuilt } from './paths.js';
import { type RunningProcess, startProcess } from './process.js';

export interface KubeApiserverOptions {
  /**
   * Runs the server inside this network namespace, its port (free on the host's loopback too)
   * exposed as the same 127.0.0.1 port on the host: URL and kubeconfig hold on both sides.
   */
  netns?: NetworkNamespace;
  /** More kube-apiserver flags, appended after the harness's own. */
  extraArgs?: string[];
}

/** One audit event (audit.k8s.io/v1, level Metadata) of a request a ServiceAccount made. */
export interface AuditEvent {
  verb: string;
  user: { username: string };
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    subresource?: string;
    namespace?: string;
    name?: string;
  };
  responseStatus?: { code?: number; reason?: string; message?: string };
  annotations?: Record<string, string>;
}

/**
 * What the server audits: every request made by a ServiceAccount (the components a test runs under
 * their own RBAC), once it is complete; nothing of the admin's. This is how a test proves who wrote
 * an object (a Lease, an Event) and which request RBAC refused.
 */
const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts"]
- level: None
`;

export interface KubeApiResponse {
  status: number;
  /** Parsed JSON body, or the raw text when the body is not JSON. */
  body: unknown;
}

export interface KubeApiserver {
  /** https://127.0.0.1:PORT */
  url: string;
  /** The admin's kubeconfig: a client certificate in system:masters. */
  kubeconfig: string;
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** The admin's client certificate and the CA, for raw HTTPS requests. */
  tls: ClientTls;
  /** Its temp dir (etcd data, PKI, kubeconfigs), removed on stop. */
  dir: string;
  process: RunningProcess;
  /** The audit events of every completed ServiceAccount request so far (see AUDIT_POLICY). */
  auditEvents(): AuditEvent[];
  /** One HTTPS request as the admin. */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeApiResponse>;
  /**
   * A kubeconfig that authenticates as ServiceAccount namespace/name with a token from the
   * TokenRequest API (the namespace and the ServiceAccount are created when missing).
   */
  serviceAccountKubeconfig(namespace: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

const readyLine = /kube-apiserver ready (https:\/\/127\.0\.0\.1:\d+) kubeconfig=(\S+)/;

export async function startKubeApiserver(options: KubeApiserverOptions = {}): Promise<KubeApiserver> {
  requireBuilt(realBin.kubeApiserver);
  const { netns } = options;
  const port = netns ? await netns.freePort() : undefined;
  if (netns && port) await netns.expose(port);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-kube-apiserver-'));
  const auditPolicy = join(dir, 'audit-policy.yaml');
  const auditLog = join(dir, 'audit.log');
  writeFileSync(auditPolicy, AUDIT_POLICY);
  const args = [
    `--data-dir=${dir}`,
    ...(port ? [`--port=${port}`] : []),
    '--',
    `--audit-policy-file=${auditPolicy}`,
    `--audit-log-path=${auditLog}`,
    ...(options.extraArgs ?? []),
  ];
  const child = await startProcess({
    name: 'kube-apiserver',
    ...commandIn(netns, realBin.kubeApiserver, args),
    isReady: (output) => readyLine.test(output()),
    readyTimeoutMs: 120_000,
  });
  const [, url, kubeconfig] = readyLine.exec(child.output()) ?? [];
  if (!url || !kubeconfig) throw new Error('kube-apiserver: ready line without URL or kubeconfig');
  // Written by the wrapper's certs.go.
  const pki = join(dir, 'pki');
  const caFile = join(pki, 'ca.crt');
  const clientCertFile = join(pki, 'admin.crt');
  const clientKeyFile = join(pki, 'admin.key');
  const tls = {
    ca: readFileSync(caFile),
    cert: readFileSync(clientCertFile),
    key: readFileSync(clientKeyFile),
  };
  const asAdmin = async (method: string, path: string, body?: unknown, contentType?: string) => {
    const { status, body: parsed } = await sendRequest(url, method, path, body, {
      tls,
      ...(contentType ? { contentType } : {}),
      ...(typeof body === 'string' ? { raw: body } : {}),
    });
    return { status, body: parsed };
  };
  return {
    url,
    kubeconfig,
    caFile,
    clientCertFile,
    clientKeyFile,
    tls,
    dir,
    process: child,
    auditEvents: () =>
      existsSync(auditLog)
        ? readFileSync(auditLog, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as AuditEvent)
        : [],
    request: asAdmin,
    async serviceAccountKubeconfig(namespace, name) {
      await createIfMissing(asAdmin, '/api/v1/namespaces', { metadata: { name: namespace } });
      await createIfMissing(asAdmin, `/api/v1/namespaces/${namespace}/serviceaccounts`, {
        metadata: { name },
      });
      const minted = await asAdmin('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 86_400 },
      });
      const token = (minted.body as { status?: { token?: string } }).status?.token;
      if (minted.status !== 201 || !token) {
        throw new Error(
          `TokenRequest for ${namespace}/${name}: HTTP ${minted.status} ${JSON.stringify(minted.body)}`,
        );
      }
      const path = join(dir, `kubeconfig-${namespace}-${name}`);
      writeFileSync(path, serviceAccountKubeconfig(url, caFile, namespace, name, token), {
        mode: 0o600,
      });
      return path;
    },
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createIfMissing(
  send: (method: string, path: string, body?: unknown) => Promise<KubeApiResponse>,
  collection: string,
  object: unknown,
): Promise<void> {
  const created = await send('POST', collection, object);
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`POST ${collection}: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  }
}

function serviceAccountKubeconfig(
  url: string,
  caFile: string,
  namespace: string,
  name: string,
  token: string,
) {
  const user = `system:serviceaccount:${namespace}:${name}`;
  return `apiVersion: v1
kind: Config
clusters:
- name: kube-apiserver
  cluster:
    server: ${url}
    certificate-authority: ${caFile}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: ${user}
  context:
    cluster: kube-apiserver
    user: ${user}
    namespace: ${namespace}
current-context: ${user}
`;
}

/** REST path of a resource collection, e.g. /apis/failover.switchyard.dev/v1alpha1/namespaces/default/failovers. */
export function collectionPath(group: string, version: string, plural: string, namespace?: string): string {
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`;
}
