import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { WireResponse } from '../../wire/kube/target.js';

/**
 * Raw requests to the server a kubeconfig names, authenticated as the kubeconfig says (the full
 * kube-apiserver's admin client certificate), returning status, headers, parsed body and text.
 */
export function kubeconfigRequest(kubeconfig: string) {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error(`kubeconfig ${kubeconfig} names no current cluster`);
  return async (
    method: string,
    path: string,
    body?: unknown,
    options: { contentType?: string } = {},
  ): Promise<WireResponse> => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request: RequestOptions = {
      method,
      headers: {
        Accept: 'application/json',
        ...(payload === undefined
          ? {}
          : {
              'Content-Type': options.contentType ?? 'application/json',
              'Content-Length': String(Buffer.byteLength(payload)),
            }),
      },
      timeout: 30_000,
    };
    await config.applyToHTTPSOptions(request);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(new URL(path, server), request, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  };
}
