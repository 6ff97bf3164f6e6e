import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Faults } from '../core/faults.js';
import type { Persistable } from '../core/persistence.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import { errorResponse } from '../protocols/error-response.js';
import { QueryParams, queryReply } from '../protocols/query.js';
import { type AuroraTimings, DEFAULT_AURORA_TIMINGS, GlobalFailoverEngine } from './global-failover.js';
import { clusterArn, globalClusterArn } from './model.js';
import { rdsOperations } from './operations.js';
import { type RdsStateFile, rdsStateSchema, restoreRds, snapshotRds } from './state.js';
import { RdsStore } from './store.js';

const NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** RDS over awsQuery: one store for every region, the region taken from each call's signature. */
export class RdsService implements SimService, Persistable<typeof rdsStateSchema> {
  readonly signingName = 'rds';
  readonly stateKey = 'rds';
  readonly stateSchema = rdsStateSchema;
  readonly store = new RdsStore();
  readonly engine: GlobalFailoverEngine;

  constructor(
    private readonly clock: SimClock,
    faults: Faults,
    timings: Partial<AuroraTimings> = {},
  ) {
    this.engine = new GlobalFailoverEngine(this.store, clock, faults, {
      ...DEFAULT_AURORA_TIMINGS,
      ...timings,
    });
  }

  snapshot(): RdsStateFile {
    return snapshotRds(this.store, this.engine);
  }

  restore(state: z.output<typeof rdsStateSchema>): void {
    restoreRds(this.store, this.engine, state);
  }

  operationOf(request: ServiceRequest): string {
    return QueryParams.fromBody(request.body, request.query).string('Action') ?? 'Unknown';
  }

  /** The global cluster and DB clusters a request names, as ARNs (identifiers resolve in the called region). */
  authorization(request: ServiceRequest, operation: string): RequestAuthorization {
    const params = QueryParams.fromBody(request.body, request.query);
    const global = params.string('GlobalClusterIdentifier');
    const cluster = params.string(
      operation === 'FailoverGlobalCluster' || operation === 'SwitchoverGlobalCluster'
        ? 'TargetDbClusterIdentifier'
        : 'DBClusterIdentifier',
    );
    const resources = [
      ...(global === undefined ? [] : [global.startsWith('arn:') ? global : globalClusterArn(global)]),
      ...(cluster === undefined
        ? []
        : [cluster.startsWith('arn:') ? cluster : clusterArn(request.region, cluster)]),
    ];
    return { resources: resources.length > 0 ? resources : ['*'] };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const handler = rdsOperations[operation];
    if (!handler) {
      throw new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`);
    }
    const params = QueryParams.fromBody(request.body, request.query);
    const result = handler({
      store: this.store,
      engine: this.engine,
      clock: this.clock,
      region: request.region,
      params,
    });
    return queryReply(operation, NAMESPACE, request.requestId, result);
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return errorResponse(error, NAMESPACE, request.requestId);
  }
}
