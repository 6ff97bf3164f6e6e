import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { PolicyEnforcement } from '../iam/enforcement.js';
import type { SimClock } from './clock.js';
import { AwsError, serviceUnavailable, throttling } from './errors.js';
import type { Faults } from './faults.js';
import type { Journal } from './journal.js';
import {
  credentialScope,
  readBody,
  type ServiceReply,
  type ServiceRequest,
  type SimService,
  VANTAGE_HEADER,
} from './request.js';

/**
 * The one AWS endpoint: reads service and region from the SigV4 credential scope (as moto does),
 * applies the injected faults, dispatches to the service and journals the outcome.
 */
export class FrontDoor {
  private readonly services = new Map<string, SimService>();
  /** Sockets held open by a `blackhole` region-down, reset when the region returns. */
  private readonly held = new Map<Socket, string>();

  constructor(
    private readonly clock: SimClock,
    private readonly faults: Faults,
    private readonly journal: Journal,
    private readonly enforcement?: PolicyEnforcement,
  ) {
    faults.onChange(() => {
      for (const [socket, region] of this.held) {
        if (!faults.isRegionDown(region)) this.release(socket);
      }
    });
  }

  register(service: SimService): void {
    this.services.set(service.signingName, service);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const body = await readBody(req);
    const scope = credentialScope(req.headers.authorization);
    if (!scope) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Missing Authentication Token');
      return;
    }
    const service = this.services.get(scope.service);
    if (!service) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`Unknown service ${scope.service}`);
      return;
    }
    const { region } = scope;
    const vantageHeader = req.headers[VANTAGE_HEADER];
    const vantage = typeof vantageHeader === 'string' ? vantageHeader : undefined;
    const request: ServiceRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      region,
      service: service.signingName,
      vantage,
      requestId: randomUUID(),
    };
    const operation = service.operationOf(request);
    const entry = {
      time: this.clock.date().toISOString(),
      service: service.signingName,
      region,
      operation,
      ...(vantage ? { vantage } : {}),
    };

    if (!service.isGlobal?.(operation)) {
      const cutOff = this.faults.isRegionDown(region)
        ? 'region-down'
        : this.faults.isPartitioned(vantage, region)
          ? 'partition'
          : undefined;
      if (cutOff) {
        this.journal.record({ ...entry, outcome: 'refused', errorCode: cutOff });
        if (cutOff === 'region-down' && this.faults.regionDownMode(region) === 'blackhole')
          this.hold(req.socket, region);
        else req.socket.destroy();
        return;
      }
    }

    let reply: ServiceReply;
    try {
      // IAM decides before the service sees the request (ADR 0012; off unless a policy is set).
      this.enforcement?.check(service, request, operation, scope.accessKeyId);
      await this.clock.sleep(this.faults.latencyOf(service.signingName));
      if (!service.isDataPlane?.(operation) && this.faults.isControlPlaneDown(service.signingName)) {
        throw serviceUnavailable(service.signingName);
      }
      if (!this.faults.admit(service.signingName)) throw service.throttlingError?.() ?? throttling();
      reply = await service.handle(request, operation);
    } catch (error) {
      const awsError =
        error instanceof AwsError
          ? error
          : new AwsError('InternalFailure', `Simulator failure: ${String(error)}`, 500, 'Receiver');
      reply = service.renderError(awsError, request);
      this.journal.record({ ...entry, outcome: 'error', status: reply.status, errorCode: awsError.code });
      this.send(res, reply);
      return;
    }
    this.journal.record({ ...entry, outcome: 'ok', status: reply.status });
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: ServiceReply): void {
    const body = reply.body ?? '';
    // HEAD replies state the object's length themselves and carry no body.
    res.writeHead(reply.status, { 'content-length': String(Buffer.byteLength(body)), ...reply.headers });
    res.end(body);
  }

  private hold(socket: Socket, region: string): void {
    this.held.set(socket, region);
    socket.once('close', () => this.held.delete(socket));
  }

  private release(socket: Socket): void {
    this.held.delete(socket);
    socket.destroy();
  }

  /** Resets every held connection; the simulator calls this when it closes. */
  releaseAll(): void {
    for (const socket of [...this.held.keys()]) this.release(socket);
  }
}
