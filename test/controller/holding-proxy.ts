/**
 * A test-side HTTP proxy between the controller and the AWS simulator that can hold the next
 * request of a named operation. Holding a request lets a test kill the controller exactly in the
 * middle of that call (or at the boundary before it), then decide whether the call ever reaches
 * AWS: `release` forwards it (its effect happens, its answer is lost), `drop` never delivers it.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldRequest {
  operation: string;
  /** Sends the request to AWS, waits for its answer, and drops the answer with the connection. */
  release(): Promise<void>;
  /** Never sends it; the caller's connection is reset. */
  drop(): void;
}

interface Captured {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
}

/** The AWS operation of a request, from its protocol: awsQuery Action, JSON target, or the S3 verb. */
export function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body.toString('utf8'));
  if (action?.[1]) return action[1];
  const method = req.method ?? 'GET';
  const hasKey = (req.url ?? '/').split('?')[0]?.split('/').filter(Boolean).length ?? 0;
  if (hasKey >= 2)
    return (
      (
        { PUT: 'PutObject', HEAD: 'HeadObject', DELETE: 'DeleteObject', GET: 'GetObject' } as Record<
          string,
          string
        >
      )[method] ?? method
    );
  return `${method}Bucket`;
}

/** The region a signed request is for, from its SigV4 credential scope (`Credential=AKID/date/region/…`). */
export function regionOf(req: IncomingMessage): string | undefined {
  const authorization = req.headers.authorization;
  return typeof authorization === 'string'
    ? /Credential=[^/]+\/\d+\/([a-z0-9-]+)\//.exec(authorization)?.[1]
    : undefined;
}

export interface HoldingProxyOptions {
  /** Headers added to every forwarded request (the chaos suite names the caller's vantage). */
  headers?: Record<string, string>;
}

export class HoldingProxy {
  private hold:
    | { matches: (operation: string) => boolean; resolve: (held: HeldRequest) => void; timer: NodeJS.Timeout }
    | undefined;
  private paused: { operation: string; held: Captured[] } | undefined;
  /** While blocked (between a kill and the next start), every request is reset: the old controller is "dead". */
  private blocked = false;
  readonly seen: string[] = [];
  /** Every request's operation, region and body as it went on the wire (to check parameters). */
  readonly requests: Array<{ operation: string; region: string | undefined; body: string }> = [];

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
    readonly url: string,
    private readonly options: HoldingProxyOptions,
  ) {}

  static async start(targetUrl: string, options: HoldingProxyOptions = {}): Promise<HoldingProxy> {
    let proxy: HoldingProxy | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => proxy?.handle({ req, res, body: Buffer.concat(chunks) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new HoldingProxy(
      server,
      new URL(targetUrl),
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      options,
    );
    return proxy;
  }

  /** Resolves with the next request of `operation` (a name, or any name the predicate accepts), held unanswered. */
  holdNext(operation: string | ((operation: string) => boolean), timeoutMs = 10_000): Promise<HeldRequest> {
    const matches = typeof operation === 'string' ? (name: string) => name === operation : operation;
    const what = typeof operation === 'string' ? operation : 'matching';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.hold = undefined;
        reject(
          new Error(`no ${what} request within ${timeoutMs} ms (seen: ${this.seen.slice(-8).join(', ')})`),
        );
      }, timeoutMs);
      this.hold = {
        matches,
        timer,
        resolve: (held) => {
          clearTimeout(timer);
          this.blocked = true;
          resolve(held);
        },
      };
    });
  }

  /** Stops waiting for the request holdNext named; its promise then never settles. */
  cancelHold(): void {
    if (this.hold) clearTimeout(this.hold.timer);
    this.hold = undefined;
  }

  /**
   * Holds every request of `operation` unanswered until `resume()`; other requests pass. Unlike
   * holdNext nothing is blocked: the caller sees a slow AWS, its deadlines and retries run as usual.
   */
  pause(operation: string): void {
    this.paused = { operation, held: [] };
  }

  /** Forwards the paused requests whose callers still wait (answering them), then lets the operation through. */
  async resume(): Promise<void> {
    const held = this.paused?.held ?? [];
    this.paused = undefined;
    await Promise.all(
      held.filter(({ req }) => !req.socket.destroyed).map((captured) => this.forward(captured, true)),
    );
  }

  /** Lets requests through again (call it before starting the next controller). */
  unblock(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(captured: Captured): void {
    const operation = operationOf(captured.req, captured.body);
    if (this.blocked) {
      captured.req.socket.destroy();
      return;
    }
    this.seen.push(operation);
    this.requests.push({ operation, region: regionOf(captured.req), body: captured.body.toString('utf8') });
    if (this.paused?.operation === operation) {
      this.paused.held.push(captured);
      return;
    }
    const hold = this.hold;
    if (hold?.matches(operation)) {
      this.hold = undefined;
      hold.resolve({
        operation,
        release: async () => {
          await this.forward(captured, false);
          captured.req.socket.destroy();
        },
        drop: () => captured.req.socket.destroy(),
      });
      return;
    }
    void this.forward(captured, true);
  }

  private forward({ req, res, body }: Captured, answer: boolean): Promise<void> {
    return new Promise((resolve) => {
      const upstream = request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, ...this.options.headers },
        },
        (reply) => {
          const chunks: Buffer[] = [];
          reply.on('data', (chunk: Buffer) => chunks.push(chunk));
          reply.on('end', () => {
            if (answer && !res.destroyed) {
              res.writeHead(reply.statusCode ?? 502, reply.headers);
              res.end(Buffer.concat(chunks));
            }
            resolve();
          });
        },
      );
      upstream.on('error', () => {
        if (answer) req.socket.destroy();
        resolve();
      });
      upstream.end(body);
    });
  }
}
