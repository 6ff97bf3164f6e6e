/**
 * Kinds the AWS simulator has no model of (VPC, subnets, routes, security groups, IAM, KMS, SNS,
 * NAT, EIPs, launch templates, …): nothing on the failover path reads them, so they are recorded,
 * not provisioned. Observe answers Ready at once with ids derived from the MR (stable across
 * restarts, shaped like AWS's: `vpc-<17 hex>`, ARNs in the MR's region and the local account), so
 * every status patch that reads them (`status.atProvider.id`, `.arn`) has a value. No AWS call.
 */
import { createHash } from 'node:crypto';
import type { ManagedResource, ManagedResourceHandler, Observation } from '../provider.js';
import { externalNameOf, type Fields, identityHash, str } from './fields.js';

/** EC2 id prefixes and ARN resource types of the record-only EC2 kinds. */
const EC2_IDS: Record<string, { prefix: string; arnType: string }> = {
  VPC: { prefix: 'vpc', arnType: 'vpc' },
  Subnet: { prefix: 'subnet', arnType: 'subnet' },
  RouteTable: { prefix: 'rtb', arnType: 'route-table' },
  RouteTableAssociation: { prefix: 'rtbassoc', arnType: 'route-table-association' },
  Route: { prefix: 'r-rtb', arnType: 'route' },
  SecurityGroup: { prefix: 'sg', arnType: 'security-group' },
  SecurityGroupIngressRule: { prefix: 'sgr', arnType: 'security-group-rule' },
  SecurityGroupEgressRule: { prefix: 'sgr', arnType: 'security-group-rule' },
  InternetGateway: { prefix: 'igw', arnType: 'internet-gateway' },
  NATGateway: { prefix: 'nat', arnType: 'natgateway' },
  EIP: { prefix: 'eipalloc', arnType: 'elastic-ip' },
  LaunchTemplate: { prefix: 'lt', arnType: 'launch-template' },
  VPCPeeringConnection: { prefix: 'pcx', arnType: 'vpc-peering-connection' },
  VPCPeeringConnectionAccepter: { prefix: 'pcx', arnType: 'vpc-peering-connection' },
};

/** The scalar fields of forProvider, as the provider would report them back (no refs or selectors). */
function scalarFields(forProvider: Fields): Fields {
  return Object.fromEntries(
    Object.entries(forProvider).filter(
      ([key, value]) =>
        !key.endsWith('Ref') &&
        !key.endsWith('Refs') &&
        !key.endsWith('Selector') &&
        (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'),
    ),
  );
}

/** A UUID-shaped id from the MR's identity (KMS key ids are UUIDs). */
function uuidOf(mr: ManagedResource): string {
  const hex = createHash('sha256')
    .update(`uuid/${mr.metadata.namespace ?? ''}/${mr.metadata.name}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function recordOnlyObservation(mr: ManagedResource, accountId: string): Observation {
  const group = mr.apiVersion.split('.')[0] ?? '';
  const region = str(mr.spec.forProvider, 'region') ?? 'us-east-1';
  const named = externalNameOf(mr) ?? str(mr.spec.forProvider, 'name') ?? mr.metadata.name;
  const extra: Fields = {};
  let id: string;
  let arn: string | undefined;
  const ec2 = group === 'ec2' ? EC2_IDS[mr.kind] : undefined;
  if (ec2) {
    id = externalNameOf(mr) ?? `${ec2.prefix}-${identityHash(mr)}`;
    arn = `arn:aws:ec2:${region}:${accountId}:${ec2.arnType}/${id}`;
    if (mr.kind === 'VPCPeeringConnectionAccepter' || mr.kind === 'VPCPeeringConnection')
      extra.acceptStatus = 'active';
  } else if (group === 'iam') {
    id = named;
    const type = { Role: 'role', Policy: 'policy', InstanceProfile: 'instance-profile' }[mr.kind];
    arn = type ? `arn:aws:iam::${accountId}:${type}/${named}` : undefined;
    if (mr.kind === 'RolePolicyAttachment')
      id = externalNameOf(mr) ?? `${mr.metadata.name}-${identityHash(mr, 8)}`;
  } else if (group === 'kms' && mr.kind === 'Key') {
    id = externalNameOf(mr) ?? uuidOf(mr);
    arn = `arn:aws:kms:${region}:${accountId}:key/${id}`;
    extra.keyId = id;
  } else if (group === 'sns') {
    // SNS external names are the ARNs themselves (once observed, the annotation holds it).
    const known = externalNameOf(mr);
    arn = known?.startsWith('arn:')
      ? known
      : mr.kind === 'Topic'
        ? `arn:aws:sns:${region}:${accountId}:${named}`
        : `arn:aws:sns:${region}:${accountId}:${named}:${uuidOf(mr)}`;
    id = arn;
  } else if (group === 'rds') {
    id = named;
    const type = { SubnetGroup: 'subgrp', ClusterParameterGroup: 'cluster-pg' }[mr.kind];
    arn = type ? `arn:aws:rds:${region}:${accountId}:${type}:${named}` : undefined;
  } else {
    id = externalNameOf(mr) ?? `${mr.kind.toLowerCase()}-${identityHash(mr)}`;
  }
  return {
    externalName: id,
    ready: true,
    message: 'recorded only: the AWS simulator has no model of this kind',
    atProvider: { ...scalarFields(mr.spec.forProvider), ...extra, id, ...(arn ? { arn } : {}) },
  };
}

export function recordOnlyHandler(accountId: string): ManagedResourceHandler {
  return {
    async observe(mr) {
      return recordOnlyObservation(mr, accountId);
    },
    async create() {
      // Observe always finds a record-only resource; nothing to create.
    },
    async delete() {},
  };
}
