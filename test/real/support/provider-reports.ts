/**
 * What provider-aws writes on an MR once the AWS resource exists, played by the test (no provider
 * runs; this is a stand-in for its writes, not a provider): the `crossplane.io/external-name`
 * annotation when the composition left it to AWS, `status.atProvider` (the forProvider values it
 * applied, without reference selectors, plus the identifiers AWS generates: id, ARN, DNS names,
 * endpoints) and the Ready/Synced conditions.
 *
 * Everything generated is a function of the MR's composition path (see composition-tree.ts) and
 * spec, so real Crossplane and local/crossplane are fed the same reports although the objects'
 * names differ. Identifiers that the derived plan names (cluster, global cluster, alarm and Auto
 * Scaling group names) follow AWS's formats, so the plan can be checked against the XR status.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../../local/crossplane/render/index.js';

export const EXTERNAL_NAME = 'crossplane.io/external-name';

export interface ProviderReport {
  /** The external-name annotation the provider adds; undefined when the composition set one. */
  externalName?: string;
  status: Record<string, unknown>;
}

const hex = (path: string, length: number) =>
  createHash('sha256').update(path).digest('hex').slice(0, length);

/** Regional ELB hosted zones (AWS's published values). */
const ELB_ZONE: Record<string, string> = { 'us-east-1': 'Z35SXDOTRQ7X7K', 'us-east-2': 'Z3AADJGX6KTTL2' };

/** The prefix EC2 gives each kind's ids. */
const EC2_PREFIX: Record<string, string> = {
  VPC: 'vpc',
  Subnet: 'subnet',
  RouteTable: 'rtb',
  Route: 'r-rtb',
  RouteTableAssociation: 'rtbassoc',
  SecurityGroup: 'sg',
  SecurityGroupIngressRule: 'sgr',
  SecurityGroupEgressRule: 'sgr',
  InternetGateway: 'igw',
  NATGateway: 'nat',
  EIP: 'eipalloc',
  VPCPeeringConnection: 'pcx',
  VPCPeeringConnectionAccepter: 'pcx',
  LaunchTemplate: 'lt',
};

const uuid = (path: string) => {
  const h = hex(path, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** forProvider as the provider reports it back: reference selectors and refs are not AWS fields. */
function appliedParameters(mr: KubeObject): Record<string, unknown> {
  const forProvider = (mr.spec?.forProvider ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(forProvider).filter(([field]) => !/(Selector|Refs?)$/.test(field)),
  );
}

interface Identity {
  id: string;
  arn: string;
  extra?: Record<string, unknown>;
}

function identity(path: string, mr: KubeObject, account: string): Identity {
  const given = mr.metadata.annotations?.[EXTERNAL_NAME];
  const region = (mr.spec?.forProvider as { region?: string } | undefined)?.region ?? '';
  const service = mr.apiVersion.split('.')[0] ?? '';
  const arn = (resource: string, inRegion = region) =>
    `arn:aws:${service}:${inRegion}:${account}:${resource}`;
  const name = given ?? `${mr.kind.toLowerCase()}-${hex(path, 8)}`;
  switch (mr.kind) {
    case 'Cluster':
      return {
        id: name,
        arn: arn(`cluster:${name}`),
        extra: {
          endpoint: `${name}.cluster-${hex(path, 12)}.${region}.rds.amazonaws.com`,
          readerEndpoint: `${name}.cluster-ro-${hex(path, 12)}.${region}.rds.amazonaws.com`,
        },
      };
    case 'GlobalCluster':
      return { id: name, arn: arn(`global-cluster:${name}`, '') };
    case 'MetricAlarm':
      return { id: name, arn: arn(`alarm:${name}`) };
    case 'AutoscalingGroup':
      return { id: name, arn: arn(`autoScalingGroup:${uuid(path)}:autoScalingGroupName/${name}`) };
    case 'LB': {
      const suffix = `app/${name.slice(0, 32)}/${hex(path, 16)}`;
      return {
        id: arn(`loadbalancer/${suffix}`),
        arn: arn(`loadbalancer/${suffix}`),
        extra: {
          arnSuffix: suffix,
          dnsName: `${name.slice(0, 32)}-${Number.parseInt(hex(path, 8), 16)}.${region}.elb.amazonaws.com`,
          zoneId: ELB_ZONE[region] ?? 'Z0000000000000',
        },
      };
    }
    case 'LBTargetGroup': {
      const tgName = String((mr.spec?.forProvider as { name?: string } | undefined)?.name ?? name);
      const suffix = `targetgroup/${tgName}/${hex(path, 16)}`;
      return { id: arn(suffix), arn: arn(suffix), extra: { arnSuffix: suffix } };
    }
    case 'Zone': {
      const zoneId = `Z${hex(path, 20).toUpperCase()}`;
      return { id: zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, extra: { zoneId } };
    }
    case 'HealthCheck':
      return { id: given ?? uuid(path), arn: `arn:aws:route53:::healthcheck/${given ?? uuid(path)}` };
    case 'Key':
      return { id: given ?? uuid(path), arn: arn(`key/${given ?? uuid(path)}`) };
    case 'Role':
    case 'Policy':
    case 'InstanceProfile': {
      const type = mr.kind === 'InstanceProfile' ? 'instance-profile' : mr.kind.toLowerCase();
      return { id: name, arn: `arn:aws:iam::${account}:${type}/${name}` };
    }
    case 'Bucket':
      return { id: name, arn: `arn:aws:s3:::${name}` };
    case 'Table':
    case 'TableReplica':
      return { id: name, arn: arn(`table/${name}`) };
    case 'Topic':
      return { id: arn(name), arn: arn(name) };
    case 'VPCPeeringConnectionAccepter':
      return {
        id: `pcx-${hex(path, 17)}`,
        arn: arn(`vpc-peering-connection/pcx-${hex(path, 17)}`),
        extra: { acceptStatus: 'active' },
      };
    default: {
      const prefix = EC2_PREFIX[mr.kind];
      const id = given ?? (prefix ? `${prefix}-${hex(path, 17)}` : name);
      return { id, arn: arn(`${mr.kind.toLowerCase()}/${id}`) };
    }
  }
}

/** A time every report carries, so both sides see identical conditions. */
const REPORTED_AT = '2026-12-01T00:00:00Z';

/** What provider-aws would write on the MR at `path` once its resource exists in `account`. */
export function providerReport(path: string, mr: KubeObject, account: string): ProviderReport {
  const { id, arn, extra } = identity(path, mr, account);
  return {
    externalName: mr.metadata.annotations?.[EXTERNAL_NAME] ? undefined : id,
    status: {
      atProvider: { ...appliedParameters(mr), id, arn, ...extra },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: REPORTED_AT },
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: REPORTED_AT },
      ],
    },
  };
}

/** The MR as the provider leaves it: the report applied. */
export function reported(path: string, mr: KubeObject, account: string): KubeObject {
  const { externalName, status } = providerReport(path, mr, account);
  const copy = structuredClone(mr);
  if (externalName)
    copy.metadata.annotations = { ...copy.metadata.annotations, [EXTERNAL_NAME]: externalName };
  copy.status = status;
  return copy;
}
