import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  DeleteHealthCheckCommand,
  DeleteHostedZoneCommand,
  type HealthCheck,
  type HealthCheckConfig,
  type HostedZone,
  ListHealthChecksCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import type { HandlerContext, ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  atProviderOf,
  block,
  bool,
  externalNameOf,
  type Fields,
  identityHash,
  num,
  referencedId,
  resolveField,
  str,
  strings,
} from './fields.js';

/** Route 53 is global; its API lives in us-east-1. */
const ROUTE53_REGION = 'us-east-1';
const ROUTE53 = apiVersionOf('route53');
const CLOUDWATCH = apiVersionOf('cloudwatch');

const fqdn = (name: string) => (name.endsWith('.') ? name : `${name}.`).toLowerCase();
const stripZonePrefix = (id: string) => id.replace(/^\/hostedzone\//, '');

/**
 * Route 53 generates zone and health-check ids, so a lost create answer must not create twice:
 * each is created with a caller reference derived from the MR, and observe finds it by that
 * reference when the external name is not known yet (what makes create idempotent).
 */
const callerReference = (mr: ManagedResource, prefix: string) => `${prefix}-${identityHash(mr)}`;

export function zoneHandler(clients: AwsClients): ManagedResourceHandler {
  const route53 = () => clients.get('route53', ROUTE53_REGION);
  const find = async (mr: ManagedResource): Promise<HostedZone | undefined> => {
    const known = externalNameOf(mr);
    const reference = callerReference(mr, 'zone');
    const { HostedZones = [] } = await route53().send(new ListHostedZonesCommand({}));
    return HostedZones.find((zone) =>
      known ? stripZonePrefix(zone.Id ?? '') === known : zone.CallerReference === reference,
    );
  };
  return {
    async observe(mr) {
      const zone = await find(mr);
      if (!zone) return undefined;
      const zoneId = stripZonePrefix(zone.Id ?? '');
      return {
        externalName: zoneId,
        ready: true,
        atProvider: {
          id: zoneId,
          zoneId,
          arn: `arn:aws:route53:::hostedzone/${zoneId}`,
          name: zone.Name,
        },
      };
    },
    async create(mr) {
      const fields = mr.spec.forProvider;
      await route53().send(
        new CreateHostedZoneCommand({
          Name: str(fields, 'name'),
          CallerReference: callerReference(mr, 'zone'),
          HostedZoneConfig: { Comment: str(fields, 'comment'), PrivateZone: false },
        }),
      );
    },
    async delete(mr) {
      const zone = await find(mr);
      if (zone?.Id) await route53().send(new DeleteHostedZoneCommand({ Id: zone.Id }));
    },
  };
}

async function healthCheckConfig(mr: ManagedResource, context: HandlerContext): Promise<HealthCheckConfig> {
  const fields: Fields = mr.spec.forProvider;
  const type = str(fields, 'type') as HealthCheckConfig['Type'];
  const alarmName = await resolveField(
    context,
    mr,
    fields,
    'cloudwatchAlarmName',
    { apiVersion: CLOUDWATCH, kind: 'MetricAlarm' },
    referencedId,
  );
  const alarmRegion = str(fields, 'cloudwatchAlarmRegion');
  const children = strings(fields, 'childHealthchecks');
  return {
    Type: type,
    FullyQualifiedDomainName: str(fields, 'fqdn'),
    IPAddress: str(fields, 'ipAddress'),
    Port: num(fields, 'port'),
    ResourcePath: str(fields, 'resourcePath'),
    SearchString: str(fields, 'searchString'),
    RequestInterval: num(fields, 'requestInterval'),
    FailureThreshold: num(fields, 'failureThreshold'),
    MeasureLatency: bool(fields, 'measureLatency'),
    Inverted: bool(fields, 'invertHealthcheck'),
    EnableSNI: bool(fields, 'enableSni'),
    Regions: strings(fields, 'regions') as HealthCheckConfig['Regions'],
    ChildHealthChecks: children,
    HealthThreshold: num(fields, 'childHealthThreshold'),
    AlarmIdentifier:
      alarmName && alarmRegion
        ? {
            Name: alarmName,
            Region: alarmRegion as NonNullable<HealthCheckConfig['AlarmIdentifier']>['Region'],
          }
        : undefined,
    InsufficientDataHealthStatus: str(
      fields,
      'insufficientDataHealthStatus',
    ) as HealthCheckConfig['InsufficientDataHealthStatus'],
  };
}

/** Fields UpdateHealthCheck can change that the MR sets differently from AWS. */
function healthCheckDrift(want: HealthCheckConfig, have: HealthCheckConfig): string[] {
  const keys = [
    'FullyQualifiedDomainName',
    'Port',
    'ResourcePath',
    'FailureThreshold',
    'HealthThreshold',
    'InsufficientDataHealthStatus',
  ] as const;
  const differing: string[] = keys.filter((key) => want[key] !== undefined && want[key] !== have[key]);
  if (
    want.ChildHealthChecks &&
    [...want.ChildHealthChecks].sort().join() !== [...(have.ChildHealthChecks ?? [])].sort().join()
  )
    differing.push('ChildHealthChecks');
  if (want.AlarmIdentifier && want.AlarmIdentifier.Name !== have.AlarmIdentifier?.Name)
    differing.push('AlarmIdentifier');
  return differing;
}

export function healthCheckHandler(clients: AwsClients): ManagedResourceHandler {
  const route53 = () => clients.get('route53', ROUTE53_REGION);
  const find = async (mr: ManagedResource): Promise<HealthCheck | undefined> => {
    const known = externalNameOf(mr);
    const reference = callerReference(mr, str(mr.spec.forProvider, 'referenceName') ?? 'check');
    const { HealthChecks = [] } = await route53().send(new ListHealthChecksCommand({}));
    return HealthChecks.find((check) => (known ? check.Id === known : check.CallerReference === reference));
  };
  return {
    async observe(mr, context) {
      const check = await find(mr);
      if (!check?.Id) return undefined;
      let differing: string[] = [];
      try {
        differing = healthCheckDrift(
          await healthCheckConfig(mr, context),
          check.HealthCheckConfig ?? ({} as HealthCheckConfig),
        );
      } catch {
        // A reference that no longer resolves leaves the check as it is.
      }
      return {
        externalName: check.Id,
        ready: true,
        upToDate: differing.length === 0,
        message: differing.length ? `${differing.join(', ')} differ from AWS` : undefined,
        atProvider: {
          id: check.Id,
          arn: `arn:aws:route53:::healthcheck/${check.Id}`,
          type: check.HealthCheckConfig?.Type,
          fqdn: check.HealthCheckConfig?.FullyQualifiedDomainName,
          childHealthchecks: check.HealthCheckConfig?.ChildHealthChecks,
        },
      };
    },
    async create(mr, context) {
      await route53().send(
        new CreateHealthCheckCommand({
          CallerReference: callerReference(mr, str(mr.spec.forProvider, 'referenceName') ?? 'check'),
          HealthCheckConfig: await healthCheckConfig(mr, context),
        }),
      );
    },
    async update(mr, observed, context) {
      const want = await healthCheckConfig(mr, context);
      await route53().send(
        new UpdateHealthCheckCommand({
          HealthCheckId: observed.externalName,
          FullyQualifiedDomainName: want.FullyQualifiedDomainName,
          Port: want.Port,
          ResourcePath: want.ResourcePath,
          FailureThreshold: want.FailureThreshold,
          HealthThreshold: want.HealthThreshold,
          ChildHealthChecks: want.ChildHealthChecks,
          AlarmIdentifier: want.AlarmIdentifier,
          InsufficientDataHealthStatus: want.InsufficientDataHealthStatus,
        }),
      );
    },
    async delete(mr) {
      const check = await find(mr);
      if (check?.Id) await route53().send(new DeleteHealthCheckCommand({ HealthCheckId: check.Id }));
    },
  };
}

/** The record set the MR asks for, with its references resolved; undefined while they do not resolve. */
async function desiredRecord(
  mr: ManagedResource,
  context: HandlerContext,
): Promise<{ zoneId: string; record: ResourceRecordSet }> {
  const fields: Fields = mr.spec.forProvider;
  const zoneId = await resolveField(
    context,
    mr,
    fields,
    'zoneId',
    { apiVersion: ROUTE53, kind: 'Zone' },
    (zone) => str(atProviderOf(zone), 'zoneId') ?? externalNameOf(zone),
  );
  if (!zoneId) throw new Error(`Record ${mr.metadata.name}: spec.forProvider.zoneId is required`);
  const healthCheckId = await resolveField(
    context,
    mr,
    fields,
    'healthCheckId',
    { apiVersion: ROUTE53, kind: 'HealthCheck' },
    referencedId,
  );
  const alias = block(fields, 'alias');
  const failover = block(fields, 'failoverRoutingPolicy');
  const latency = block(fields, 'latencyRoutingPolicy');
  const weighted = block(fields, 'weightedRoutingPolicy');
  const ttl = num(fields, 'ttl');
  const values = strings(fields, 'records');
  const record: ResourceRecordSet = {
    Name: fqdn(str(fields, 'name') ?? ''),
    Type: str(fields, 'type') as ResourceRecordSet['Type'],
    SetIdentifier: str(fields, 'setIdentifier'),
    HealthCheckId: healthCheckId,
    ...(alias
      ? {
          AliasTarget: {
            DNSName: str(alias, 'name'),
            HostedZoneId: str(alias, 'zoneId'),
            EvaluateTargetHealth: bool(alias, 'evaluateTargetHealth') ?? false,
          },
        }
      : { TTL: ttl, ResourceRecords: (values ?? []).map((Value) => ({ Value })) }),
    ...(failover ? { Failover: str(failover, 'type') as ResourceRecordSet['Failover'] } : {}),
    ...(latency ? { Region: str(latency, 'region') as ResourceRecordSet['Region'] } : {}),
    ...(weighted ? { Weight: num(weighted, 'weight') } : {}),
  };
  return { zoneId, record };
}

const sameRecord = (a: ResourceRecordSet, b: ResourceRecordSet) =>
  fqdn(a.Name ?? '') === fqdn(b.Name ?? '') &&
  a.Type === b.Type &&
  (a.SetIdentifier ?? '') === (b.SetIdentifier ?? '');

/**
 * Records (failover, latency and plain alias records). Identified, as upjet does, by
 * zone_name_type[_setIdentifier]; written with UPSERT, which is idempotent.
 */
export function recordHandler(clients: AwsClients): ManagedResourceHandler {
  const route53 = () => clients.get('route53', ROUTE53_REGION);
  const upsert = async (mr: ManagedResource, context: HandlerContext) => {
    const { zoneId, record } = await desiredRecord(mr, context);
    await route53().send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [{ Action: 'UPSERT', ResourceRecordSet: record }] },
      }),
    );
  };
  return {
    async observe(mr, context) {
      let desired: Awaited<ReturnType<typeof desiredRecord>>;
      try {
        desired = await desiredRecord(mr, context);
      } catch {
        // Nothing can exist before its zone does; create reports what does not resolve.
        return undefined;
      }
      const { zoneId, record } = desired;
      const { ResourceRecordSets = [] } = await route53().send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
      );
      const found = ResourceRecordSets.find((candidate) => sameRecord(candidate, record));
      if (!found) return undefined;
      const differing = [
        fqdn(found.AliasTarget?.DNSName ?? '') !== fqdn(record.AliasTarget?.DNSName ?? '') ? 'alias' : '',
        (found.HealthCheckId ?? '') !== (record.HealthCheckId ?? '') ? 'healthCheckId' : '',
        (found.Failover ?? '') !== (record.Failover ?? '') ? 'failoverRoutingPolicy' : '',
        (found.Region ?? '') !== (record.Region ?? '') ? 'latencyRoutingPolicy' : '',
      ].filter(Boolean);
      const externalName = [zoneId, record.Name?.replace(/\.$/, ''), record.Type, record.SetIdentifier]
        .filter(Boolean)
        .join('_');
      return {
        externalName,
        ready: true,
        upToDate: differing.length === 0,
        message: differing.length ? `${differing.join(', ')} differ from AWS` : undefined,
        atProvider: { id: externalName, fqdn: record.Name?.replace(/\.$/, '') },
      };
    },
    create: upsert,
    update: (mr, _observed, context) => upsert(mr, context),
    async delete(mr, context) {
      const { zoneId, record } = await desiredRecord(mr, context);
      const { ResourceRecordSets = [] } = await route53().send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
      );
      const found = ResourceRecordSets.find((candidate) => sameRecord(candidate, record));
      if (!found) return;
      await route53().send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: { Changes: [{ Action: 'DELETE', ResourceRecordSet: found }] },
        }),
      );
    },
  };
}
