import { AwsError } from '../core/errors.js';
import { child, childrenNamed, textOf, type XmlElement } from '../core/xml.js';
import { type HostedZone, normaliseName, type RecordSet } from './model.js';

interface Change {
  action: 'CREATE' | 'DELETE' | 'UPSERT';
  record: RecordSet;
}

const TYPES = [
  'A',
  'AAAA',
  'CAA',
  'CNAME',
  'DS',
  'MX',
  'NAPTR',
  'NS',
  'PTR',
  'SOA',
  'SPF',
  'SRV',
  'TXT',
  'HTTPS',
  'SVCB',
];

const describe = (r: RecordSet) =>
  `[name='${r.name}', type='${r.type}'${r.setIdentifier ? `, set-identifier='${r.setIdentifier}'` : ''}]`;

function invalidChangeBatch(messages: string[]): AwsError {
  return new AwsError('InvalidChangeBatch', `[${messages.join(', ')}]`);
}

function parseRecord(element: XmlElement | undefined, messages: string[]): RecordSet | undefined {
  if (!element) {
    messages.push('ResourceRecordSet is required');
    return undefined;
  }
  const name = textOf(element, 'Name');
  const type = textOf(element, 'Type');
  if (!name || !type) {
    messages.push('ResourceRecordSet requires Name and Type');
    return undefined;
  }
  const alias = child(element, 'AliasTarget');
  const ttl = textOf(element, 'TTL');
  const weight = textOf(element, 'Weight');
  const failover = textOf(element, 'Failover');
  const record: RecordSet = {
    name: normaliseName(name),
    type,
    values: childrenNamed(child(element, 'ResourceRecords'), 'ResourceRecord').map(
      (r) => textOf(r, 'Value') ?? '',
    ),
    ...(ttl !== undefined ? { ttl: Number(ttl) } : {}),
    ...(textOf(element, 'SetIdentifier') ? { setIdentifier: textOf(element, 'SetIdentifier') } : {}),
    ...(failover ? { failover: failover as 'PRIMARY' | 'SECONDARY' } : {}),
    ...(textOf(element, 'Region') ? { region: textOf(element, 'Region') } : {}),
    ...(weight !== undefined ? { weight: Number(weight) } : {}),
    ...(textOf(element, 'HealthCheckId') ? { healthCheckId: textOf(element, 'HealthCheckId') } : {}),
    ...(alias
      ? {
          alias: {
            hostedZoneId: textOf(alias, 'HostedZoneId') ?? '',
            dnsName: normaliseName(textOf(alias, 'DNSName') ?? ''),
            evaluateTargetHealth: textOf(alias, 'EvaluateTargetHealth') === 'true',
          },
        }
      : {}),
  };
  return record;
}

/** Checks one record on its own, the way Route 53 words its InvalidChangeBatch messages. */
function recordProblems(
  record: RecordSet,
  zone: HostedZone,
  healthCheckExists: (id: string) => boolean,
): string[] {
  const problems: string[] = [];
  if (!TYPES.includes(record.type))
    problems.push(`Invalid Resource Record Type ${record.type} for ${describe(record)}`);
  if (record.name !== zone.name && !record.name.endsWith(`.${zone.name}`)) {
    problems.push(`RRSet with DNS name ${record.name} is not permitted in zone ${zone.name}`);
  }
  const hasValues = record.values.length > 0 && record.ttl !== undefined;
  if (record.alias ? record.values.length > 0 || record.ttl !== undefined : !hasValues) {
    problems.push(
      `Invalid request: Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords]], but found ${record.alias ? 'both' : 'none'} in Change with ${describe(record)}`,
    );
  }
  const policies = [record.failover, record.region, record.weight].filter((p) => p !== undefined).length;
  if (policies > 1)
    problems.push(`Invalid request: a record can have only one routing policy ${describe(record)}`);
  if (policies === 1 && !record.setIdentifier) {
    problems.push(`Invalid request: Missing field 'SetIdentifier' in Change with ${describe(record)}`);
  }
  if (policies === 0 && record.setIdentifier) {
    problems.push(
      `Invalid request: A SetIdentifier requires a routing policy in Change with ${describe(record)}`,
    );
  }
  if (record.failover && record.failover !== 'PRIMARY' && record.failover !== 'SECONDARY') {
    problems.push(`Invalid failover value ${record.failover} in ${describe(record)}`);
  }
  if (record.healthCheckId && !healthCheckExists(record.healthCheckId)) {
    problems.push(
      `Invalid request: health check ${record.healthCheckId} does not exist in ${describe(record)}`,
    );
  }
  return problems;
}

const sameSet = (a: RecordSet, b: RecordSet) =>
  a.name === b.name && a.type === b.type && (a.setIdentifier ?? '') === (b.setIdentifier ?? '');

/** Validates the whole batch against the zone and applies it atomically, or throws InvalidChangeBatch. */
export function applyChangeBatch(
  zone: HostedZone,
  body: XmlElement,
  healthCheckExists: (id: string) => boolean,
): void {
  const batch = child(body, 'ChangeBatch');
  const changeElements = childrenNamed(child(batch, 'Changes'), 'Change');
  const messages: string[] = [];
  if (changeElements.length === 0) throw invalidChangeBatch(['ChangeBatch must contain at least one Change']);
  const changes: Change[] = [];
  for (const element of changeElements) {
    const action = textOf(element, 'Action');
    const record = parseRecord(child(element, 'ResourceRecordSet'), messages);
    if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
      messages.push(`Invalid Action ${action ?? ''}`);
      continue;
    }
    if (record) changes.push({ action, record });
  }
  const next = [...zone.records];
  for (const { action, record } of changes) {
    if (action !== 'DELETE') messages.push(...recordProblems(record, zone, healthCheckExists));
    const index = next.findIndex((r) => sameSet(r, record));
    if (action === 'CREATE' && index !== -1) {
      messages.push(`Tried to create resource record set ${describe(record)} but it already exists`);
    } else if (action === 'DELETE') {
      const existing = next[index];
      if (!existing)
        messages.push(`Tried to delete resource record set ${describe(record)} but it was not found`);
      else if (JSON.stringify(existing) !== JSON.stringify(record)) {
        messages.push(
          `Tried to delete resource record set ${describe(record)} but the values provided do not match the current values`,
        );
      } else next.splice(index, 1);
    } else if (index !== -1) next[index] = record;
    else next.push(record);
  }
  // Records sharing a name and type must share one routing policy, with one PRIMARY and one SECONDARY.
  for (const record of next) {
    const group = next.filter((r) => r.name === record.name && r.type === record.type);
    const policyOf = (r: RecordSet) =>
      r.failover ? 'failover' : r.region ? 'latency' : r.weight !== undefined ? 'weighted' : 'simple';
    if (new Set(group.map(policyOf)).size > 1 || (policyOf(record) === 'simple' && group.length > 1)) {
      messages.push(
        `RRSet ${describe(record)} conflicts with another record of the same name and type and a different routing policy`,
      );
    }
    if (record.failover && group.filter((r) => r.failover === record.failover).length > 1) {
      messages.push(
        `Only one ${record.failover} failover record is allowed for name ${record.name} and type ${record.type}`,
      );
    }
  }
  if (messages.length > 0) throw invalidChangeBatch([...new Set(messages)]);
  zone.records = next;
}
