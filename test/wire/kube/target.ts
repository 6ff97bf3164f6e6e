import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../../local/kube/index.js';

/**
 * One wire suite, two targets: the emulator (npm test) and the full kube-apiserver
 * (npm run test:real). A target is a URL, a kubeconfig for kubectl/client-node, and a way to
 * send raw requests that returns status, headers and body exactly as received.
 */

/** A client certificate and the CA to trust: how the kube-apiserver's admin authenticates. */
export interface ClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
  text: string;
  /** The body as received (binary answers such as protobuf). */
  bytes: Buffer;
}

export interface RequestOptions {
  contentType?: string;
  accept?: string;
  userAgent?: string;
  /** A raw body sent as is (for malformed-input cases). */
  raw?: string | Buffer;
  /** Authenticate with this client certificate (otherwise: any bearer token, which the emulator takes). */
  tls?: ClientTls;
}

export interface KubeTarget {
  name: 'emulator' | 'real';
  url: string;
  kubeconfig: string;
  /** managedFields manager of the server's own writes (CRD status). */
  serverManager: string;
  /** The client certificate raw requests authenticate with (the kube-apiserver; none for the emulator). */
  tls?: ClientTls;
  request(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<WireResponse>;
  close(): Promise<void>;
}

export function sendRequest(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<WireResponse> {
  const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
  const url = new URL(path, baseUrl);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        ...authentication(options.tls),
        headers: {
          Accept: options.accept ?? 'application/json',
          ...(options.tls ? {} : { Authorization: 'Bearer switchyard-wire' }),
          'User-Agent': options.userAgent ?? 'switchyard-wire/1.0',
          // Explicit length: node does not chunk DELETE bodies, so without it the body is lost.
          ...(payload === undefined
            ? {}
            : {
                'Content-Type': options.contentType ?? 'application/json',
                'Content-Length': String(Buffer.byteLength(payload)),
              }),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON (NDJSON watch streams, plain-text errors): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text, bytes });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** TLS options of a request: the client certificate and its CA, or (the emulator) no checks at all. */
export function authentication(tls: ClientTls | undefined) {
  // Without a CA to trust the server's certificate is unverifiable; the emulator runs on loopback only.
  return tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : { rejectUnauthorized: false };
}

export async function startEmulatorTarget(
  options: { bookmarkIntervalMs?: number; namespaceLifecycle?: boolean } = {},
): Promise<KubeTarget & { emulator: KubeEmulator }> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-kube-wire-'));
  const emulator = await startKubeEmulator(options);
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, emulator.url);
  return {
    name: 'emulator',
    url: emulator.url,
    kubeconfig,
    serverManager: 'switchyard-kube',
    emulator,
    request: (method, path, body, requestOptions) =>
      sendRequest(emulator.url, method, path, body, requestOptions),
    async close() {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Warning header values without the `299 - "…"` envelope. */
export function warningsOf(response: WireResponse): string[] {
  const header = response.headers.warning;
  const values = header === undefined ? [] : Array.isArray(header) ? header : header.split(/,(?=\s*299 )/);
  return values.map((value) => {
    const match = /^\s*299 - "(.*)"\s*$/.exec(value);
    return match ? (JSON.parse(`"${match[1]}"`) as string) : value;
  });
}
