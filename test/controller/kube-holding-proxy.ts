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

interface StatusPatch {
  status?: {
    phase?: string;
    currentStep?: string;
    journal?: { name: string; state: string }[];
  };
}

const isStatusWriteOf = (name: string, req: KubeRequest) =>
  req.method === 'PATCH' && req.path.split('?')[0]?.endsWith(`/failovers/${name}/status`);

/** The status write that starts `step` (or, without a step, the one that ends the run Succeeded). */
export const startsStep = (name: string, step: string | undefined) => (req: KubeRequest) => {
  if (!isStatusWriteOf(name, req)) return false;
  const status = (req.body as StatusPatch | undefined)?.status;
  if (!step) return status?.phase === 'Succeeded';
  return status?.currentStep === step && status.journal?.find((e) => e.name === step)?.state === 'Running';
};

/**
 * Sends a held request on. The promise settles once the server answered, whether or not the
 * client that sent it is still there to read the answer (a test may have killed it meanwhile).
 */
export type Release = () => Promise<void>;

export class KubeHoldingProxy {
  private hold:
    | {
        matches: (req: KubeRequest) => boolean;
        resolve: (release: Release) => void;
        timer: NodeJS.Timeout;
      }
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
        const forward = () =>
          new Promise<void>((answered) => {
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
                answered();
                // The client may be gone (killed while its request was held): its answer goes nowhere.
                if (res.destroyed) return reply.resume();
                res.writeHead(reply.statusCode ?? 502, reply.headers);
                // A watch answers headers first and events later: the client waits for the headers.
                res.flushHeaders();
                reply.pipe(res);
              },
            );
            upstream.on('error', () => {
              answered();
              res.destroy();
            });
            // A client that hangs up stops a watch; a held write, once released, still goes through.
            res.on('close', () => {
              if (res.writableFinished || !res.headersSent) return;
              upstream.destroy();
            });
            upstream.end(body);
          });
        const hold = proxy?.hold;
        if (hold?.matches({ method: req.method ?? 'GET', path: req.url ?? '/', body: parseJson(body) })) {
          if (proxy) proxy.hold = undefined;
          hold.resolve(forward);
        } else void forward();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new KubeHoldingProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return proxy;
  }

  /** Resolves once a request matching `matches` arrives, with the function that sends it on. */
  holdNext(matches: (req: KubeRequest) => boolean, timeoutMs = 15_000): Promise<Release> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.hold = undefined;
        reject(new Error(`no matching Kubernetes request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.hold = {
        matches,
        timer,
        resolve: (release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
    });
  }

  /** Stops waiting for the request holdNext named; its promise then never settles. */
  cancelHold(): void {
    if (this.hold) clearTimeout(this.hold.timer);
    this.hold = undefined;
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
