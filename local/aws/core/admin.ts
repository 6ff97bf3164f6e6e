import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from './clock.js';
import { type Faults, FaultUsageError } from './faults.js';
import type { Journal } from './journal.js';
import { readBody } from './request.js';

export const ADMIN_PREFIX = '/_switchyard';

/** Read-only views a service adds to the admin API, e.g. `rds/events` or `route53/health-checks`. */
export type AdminViews = Record<string, (query: URLSearchParams) => unknown>;

/**
 * The simulator's own HTTP API (not AWS): the journal, the faults and the clock, plus views of
 * simulated state that AWS only shows through other channels (EventBridge IDs, effective health).
 *
 *   GET    /_switchyard/journal?service=&region=&operation=&outcome=
 *   DELETE /_switchyard/journal
 *   GET    /_switchyard/faults
 *   POST   /_switchyard/faults   {"fault":"region-down","args":["us-east-1"]}
 *   GET    /_switchyard/clock
 *   GET    /_switchyard/<view>
 */
export class AdminApi {
  constructor(
    private readonly clock: SimClock,
    private readonly faults: Faults,
    private readonly journal: Journal,
    private readonly views: AdminViews,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname.slice(ADMIN_PREFIX.length + 1);
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (route === 'journal' && method === 'GET') {
      const q = url.searchParams;
      const filter = Object.fromEntries(
        ['service', 'region', 'operation', 'outcome'].flatMap((k) => (q.get(k) ? [[k, q.get(k)]] : [])),
      );
      return json(res, 200, { entries: this.journal.list(filter) });
    }
    if (route === 'journal' && method === 'DELETE') {
      this.journal.clear();
      return json(res, 200, { entries: [] });
    }
    if (route === 'faults' && method === 'GET') return json(res, 200, this.faults.state());
    if (route === 'faults' && method === 'POST') {
      const [status, reply] = this.applyFault(body);
      return json(res, status, reply);
    }
    if (route === 'clock' && method === 'GET') {
      return json(res, 200, { now: this.clock.date().toISOString(), timeScale: this.clock.timeScale });
    }
    const view = this.views[route];
    if (view && method === 'GET') return json(res, 200, view(url.searchParams));
    return json(res, 404, { error: `no admin route ${method} ${url.pathname}` });
  }

  private applyFault(body: Buffer): [number, unknown] {
    let request: unknown;
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      return [400, { error: 'body must be JSON: {"fault": "...", "args": [...]}' }];
    }
    const { fault, args } = (request ?? {}) as { fault?: unknown; args?: unknown };
    if (typeof fault !== 'string' || (args !== undefined && !isStringArray(args))) {
      return [400, { error: 'body must be {"fault": string, "args": string[]}' }];
    }
    try {
      this.faults.apply(fault, args ?? []);
    } catch (error) {
      if (error instanceof FaultUsageError) return [400, { error: error.message }];
      throw error;
    }
    return [200, this.faults.state()];
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
