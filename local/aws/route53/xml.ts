import { fields, items, type Xml } from '../core/xml.js';
import type { HealthCheck, HostedZone, RecordSet } from './model.js';

export function hostedZoneXml(zone: HostedZone): Xml {
  return fields({
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: fields({ Comment: zone.comment, PrivateZone: zone.privateZone }),
    ResourceRecordSetCount: zone.records.length,
  });
}

export function delegationSetXml(zone: HostedZone): Xml {
  return fields({
    NameServers: items('NameServer', nameServers(zone), (n) => n),
  });
}

export function nameServers(zone: HostedZone): string[] {
  const n = zone.id.length;
  return [
    `ns-${n}.awsdns-01.com`,
    `ns-${n + 1}.awsdns-02.net`,
    `ns-${n + 2}.awsdns-03.org`,
    `ns-${n + 3}.awsdns-04.co.uk`,
  ];
}

export function recordSetXml(record: RecordSet): Xml {
  return fields({
    Name: record.name,
    Type: record.type,
    SetIdentifier: record.setIdentifier,
    Weight: record.weight,
    Region: record.region,
    Failover: record.failover,
    TTL: record.ttl,
    ResourceRecords: record.alias
      ? undefined
      : items('ResourceRecord', record.values, (v) => fields({ Value: v })),
    AliasTarget: record.alias
      ? fields({
          HostedZoneId: record.alias.hostedZoneId,
          DNSName: record.alias.dnsName,
          EvaluateTargetHealth: record.alias.evaluateTargetHealth,
        })
      : undefined,
    HealthCheckId: record.healthCheckId,
  });
}

export function healthCheckXml(check: HealthCheck): Xml {
  const c = check.config;
  return fields({
    Id: check.id,
    CallerReference: check.callerReference,
    HealthCheckConfig: fields({
      IPAddress: c.ipAddress,
      Port: c.port,
      Type: c.type,
      ResourcePath: c.resourcePath,
      FullyQualifiedDomainName: c.fqdn,
      SearchString: c.searchString,
      RequestInterval: c.type === 'CALCULATED' ? undefined : c.requestInterval,
      FailureThreshold: c.type === 'CALCULATED' ? undefined : c.failureThreshold,
      MeasureLatency: c.measureLatency,
      Inverted: c.inverted,
      Disabled: c.disabled,
      HealthThreshold: c.healthThreshold,
      ChildHealthChecks:
        c.type === 'CALCULATED' ? items('ChildHealthCheck', c.childHealthChecks, (id) => id) : undefined,
      EnableSNI: c.enableSni,
      Regions: c.regions.length > 0 ? items('Region', c.regions, (r) => r) : undefined,
      AlarmIdentifier: c.alarmName ? fields({ Region: c.alarmRegion, Name: c.alarmName }) : undefined,
      InsufficientDataHealthStatus: c.insufficientDataHealthStatus,
    }),
    HealthCheckVersion: check.version,
  });
}

export function changeInfoXml(id: string, submittedAt: Date, status = 'PENDING', comment?: string): Xml {
  return fields({ Id: `/change/${id}`, Status: status, SubmittedAt: submittedAt, Comment: comment });
}
