/**
 * A test-side proxy between the controller and the Kubernetes API (emulator or real apiserver) that
 * holds the first request a test names, so the test can act (delete the Failover, patch its status)
 * at an exact step boundary of the controller, then let the held write reach the server. Everything
 * else, watches included, streams through.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeRequest {
  method: string;
  path: string;
  body: unknown;
}

export class KubeHoldingProxy {
  private hold:
    | { matches: (req: KubeRequest) => boolean; resolve: (release: () => void) => void }
    | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(serverUrl: string): Promise<KubeHoldingProxy> {
    const target = new URL(serverUrl);
    let proxy: KubeHoldingProxy | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const forward = () => {
          const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
          const upstream = send(
            {
              host: target.hostname,
              port: target.port,
              method: req.method,
              path: req.url,
              headers: { ...req.headers, host: target.host },
              rejectUnauthorized: false,
            },
            (reply: IncomingMessage) => {
              res.writeHead(reply.statusCode ?? 502, reply.headers);
              // A watch answers headers first and events later: the client waits for the headers.
              res.flushHeaders();
              reply.pipe(res);
            },
          );
          upstream.on('error', () => res.destroy());
          res.on('close', () => upstream.destroy());
          upstream.end(body);
        };
        const hold = proxy?.hold;
        if (hold?.matches({ method: req.method ?? 'GET', path: req.url ?? '/', body: parseJson(body) })) {
          if (proxy) proxy.hold = undefined;
          hold.resolve(forward);
        } else forward();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new KubeHoldingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Resolves once a request matching `matches` arrives, with the function that sends it on. */
  holdNext(matches: (req: KubeRequest) => boolean, timeoutMs = 15_000): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching Kubernetes request within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.hold = {
        matches,
        resolve: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
    });
  }

  /** A KubeConfig for the side's server and user, pointed at this proxy. */
  kubeConfigFor(kubeconfigPath: string): KubeConfig {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    const cluster = config.getCurrentCluster();
    const user = config.getCurrentUser();
    if (!cluster || !user) throw new Error(`${kubeconfigPath} has no current cluster or user`);
    const proxied = new KubeConfig();
    proxied.loadFromClusterAndUser({ name: cluster.name, server: this.url, skipTLSVerify: true }, user);
    return proxied;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
