/**
 * The local provider (provider-upjet-aws's stand-in): one handler per namespaced
 * `*.aws.m.upbound.io/v1beta1` kind, talking to the AWS simulator over the wire with AWS SDK v3
 * clients. Kinds on the failover path (Aurora, Auto Scaling, CloudWatch alarms, Route 53, ELBv2,
 * S3 buckets, DynamoDB) are provisioned; every other kind of the provider's groups is record-only
 * (record-only.ts). docs/adr/0024-local-provider.md says which and why.
 */
import type { Logger } from 'pino';
import type {
  HandlerContext,
  LocalProvider,
  ManagedResource,
  ManagedResourceHandler,
  Observation,
} from '../provider.js';
import { attachmentHandler, autoscalingGroupHandler } from './autoscaling.js';
import { AwsClients } from './clients.js';
import { metricAlarmHandler } from './cloudwatch.js';
import { tableHandler, tableReplicaHandler } from './dynamodb.js';
import { listenerHandler, loadBalancerHandler, targetGroupHandler } from './elbv2.js';
import { clusterHandler, clusterInstanceHandler, globalClusterHandler } from './rds.js';
import { recordOnlyHandler } from './record-only.js';
import { healthCheckHandler, recordHandler, zoneHandler } from './route53.js';
import { bucketHandler, bucketReplicationHandler, bucketVersioningHandler } from './s3.js';

export { elbNameOf } from './elbv2.js';
export { EXTERNAL_NAME_ANNOTATION, UnresolvedReferenceError } from './fields.js';
export { recordOnlyObservation } from './record-only.js';

/** The account of the simulator (local/aws ACCOUNT_ID) and of the example estate. */
export const LOCAL_ACCOUNT_ID = '123456789012';

const PROVIDER_GROUP_SUFFIX = '.aws.m.upbound.io';
const VERSION = 'v1beta1';

export interface LocalAwsProviderOptions {
  /** The AWS simulator's endpoint (`AwsSimulator.url`). */
  endpoint: string;
  /** Account of the record-only ARNs; default 123456789012, the simulator's. */
  accountId?: string;
  log: Logger;
}

export interface LocalAwsProvider extends LocalProvider {
  /** Kinds with an AWS model, as `<group>/<Kind>` (e.g. `rds/Cluster`). */
  readonly modelledKinds: readonly string[];
  /** Releases the SDK clients' sockets. */
  close(): void;
}

type HandlerFactory = (clients: AwsClients) => ManagedResourceHandler;

/** `<service>/<Kind>` → handler, for the kinds the simulator models. */
const MODELLED: Record<string, HandlerFactory> = {
  'rds/GlobalCluster': globalClusterHandler,
  'rds/Cluster': clusterHandler,
  'rds/ClusterInstance': clusterInstanceHandler,
  'autoscaling/AutoscalingGroup': autoscalingGroupHandler,
  'autoscaling/Attachment': attachmentHandler,
  'cloudwatch/MetricAlarm': metricAlarmHandler,
  'route53/Zone': zoneHandler,
  'route53/HealthCheck': healthCheckHandler,
  'route53/Record': recordHandler,
  'elbv2/LB': loadBalancerHandler,
  'elbv2/LBTargetGroup': targetGroupHandler,
  'elbv2/LBListener': listenerHandler,
  's3/Bucket': bucketHandler,
  's3/BucketVersioning': bucketVersioningHandler,
  's3/BucketReplicationConfiguration': bucketReplicationHandler,
  'dynamodb/Table': tableHandler,
  'dynamodb/TableReplica': tableReplicaHandler,
};

/** Logs each call that changes AWS (create, update, delete); observe is too frequent to log. */
function logged(handler: ManagedResourceHandler, kind: string, log: Logger): ManagedResourceHandler {
  const about = (mr: ManagedResource) => ({
    kind,
    namespace: mr.metadata.namespace,
    name: mr.metadata.name,
    region: mr.spec.forProvider.region,
  });
  const { update, delete: remove } = handler;
  return {
    observe: (mr, context) => handler.observe(mr, context),
    async create(mr, context) {
      log.info(about(mr), 'creating in the AWS simulator');
      await handler.create(mr, context);
    },
    ...(update && {
      async update(mr: ManagedResource, observed: Observation, context: HandlerContext) {
        log.info({ ...about(mr), externalName: observed.externalName, drift: observed.message }, 'updating');
        await update(mr, observed, context);
      },
    }),
    ...(remove && {
      async delete(mr: ManagedResource, context: HandlerContext) {
        log.info(about(mr), 'deleting from the AWS simulator');
        await remove(mr, context);
      },
    }),
  };
}

/** `rds.aws.m.upbound.io/v1beta1` → `rds`; undefined for any other API group or version. */
function serviceOf(apiVersion: string): string | undefined {
  const [group, version] = apiVersion.split('/');
  if (version !== VERSION || !group?.endsWith(PROVIDER_GROUP_SUFFIX)) return undefined;
  return group.slice(0, -PROVIDER_GROUP_SUFFIX.length);
}

export function localAwsProvider(options: LocalAwsProviderOptions): LocalAwsProvider {
  const clients = new AwsClients(options.endpoint);
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const handlers = new Map<string, ManagedResourceHandler>();
  const recordOnly = recordOnlyHandler(accountId);
  const loggedRecordOnly = new Set<string>();
  const keyOf = (apiVersion: string, kind: string) => {
    const service = serviceOf(apiVersion);
    return service === undefined ? undefined : `${service}/${kind}`;
  };
  return {
    modelledKinds: Object.keys(MODELLED),
    handlerFor(apiVersion, kind) {
      const key = keyOf(apiVersion, kind);
      if (key === undefined) return undefined;
      const factory = MODELLED[key];
      if (!factory) {
        if (!loggedRecordOnly.has(key)) {
          loggedRecordOnly.add(key);
          options.log.info({ kind: key }, 'record-only kind: marked Ready with derived ids, no AWS call');
        }
        return recordOnly;
      }
      let handler = handlers.get(key);
      if (!handler) {
        handler = logged(factory(clients), key, options.log);
        handlers.set(key, handler);
      }
      return handler;
    },
    isRecordOnly(apiVersion, kind) {
      const key = keyOf(apiVersion, kind);
      return key !== undefined && MODELLED[key] === undefined;
    },
    close() {
      clients.destroy();
    },
  };
}
