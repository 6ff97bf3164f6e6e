import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realBin, requireBuilt } from './paths.js';
import { type RunningProcess, startProcess } from './process.js';

export interface ApiResponse {
  status: number;
  /** Parsed JSON body, or the raw text when the body is not JSON. */
  body: unknown;
}

export interface RealApiserver {
  url: string;
  kubeconfig: string;
  process: RunningProcess;
  /** One HTTPS request to the server (self-signed certificate; any token is admin). */
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiResponse>;
  stop(): Promise<void>;
}

const readyLine = /kube-apiserver-lite ready (https:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts k8s.io/apiextensions-apiserver + embedded etcd (tools/real/cmd/kube-apiserver-lite) on a
 * free port. Its state lives in a temp dir that is removed on stop.
 */
export async function startApiserver(): Promise<RealApiserver> {
  requireBuilt(realBin.kubeApiserverLite);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-apiserver-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const child = await startProcess({
    name: 'kube-apiserver-lite',
    command: realBin.kubeApiserverLite,
    args: ['--port=0', `--kubeconfig-out=${kubeconfig}`, `--data-dir=${join(dir, 'data')}`],
    isReady: (output) => readyLine.test(output()),
    readyTimeoutMs: 90_000,
  });
  const url = readyLine.exec(child.output())?.[1];
  if (!url) throw new Error('ready line without URL');
  return {
    url,
    kubeconfig,
    process: child,
    request: (method, path, body, contentType) => apiRequest(url, method, path, body, contentType),
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<ApiResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolveResponse, reject) => {
    const req = request(
      new URL(path, baseUrl),
      {
        method,
        // The server's certificate is self-signed and it runs on loopback only.
        rejectUnauthorized: false,
        headers: {
          Accept: 'application/json',
          Authorization: 'Bearer switchyard-tests',
          ...(payload === undefined ? {} : { 'Content-Type': contentType }),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON (e.g. a plain-text 404); keep the text.
          }
          resolveResponse({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** REST path of a resource collection, e.g. /apis/failover.switchyard.dev/v1alpha1/namespaces/default/failovers. */
export function collectionPath(group: string, version: string, plural: string, namespace?: string): string {
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return namespace ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`;
}
