import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import {
  child,
  document,
  fields,
  items,
  parseXml,
  textOf,
  type XmlElement,
  XmlSyntaxError,
  type XmlValue,
} from '../core/xml.js';
import { errorResponse } from '../protocols/error-response.js';
import { xmlReply } from '../protocols/rest-xml.js';
import { applyChangeBatch } from './change-batch.js';
import { type AlbLookup, answer, type DnsAnswer, regionOfResolver } from './dns-answer.js';
import {
  applyHealthCheckUpdate,
  invalidInput,
  parseHealthCheckConfig,
  validateHealthCheckConfig,
} from './health-check-config.js';
import { type AlarmLookup, HealthMonitor, type TargetResolver } from './health-monitor.js';
import { type HealthCheck, type HostedZone, normaliseName, ROUTE53_NAMESPACE, stripPrefix } from './model.js';
import { type Route53StateFile, restoreRoute53, route53StateSchema, snapshotRoute53 } from './state.js';
import {
  changeInfoXml,
  delegationSetXml,
  healthCheckXml,
  hostedZoneXml,
  nameServers,
  recordSetXml,
} from './xml.js';

const PREFIX = '/2013-04-01';

interface Route {
  operation: string;
  id?: string;
}

const noSuchHostedZone = (id: string) =>
  new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);
const noSuchHealthCheck = (id: string) =>
  new AwsError('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404);

/**
 * Route 53 over restXml. Every API operation is control plane, hosted in us-east-1 (TestDNSAnswer
 * too: it is an API call to route53.amazonaws.com, not a DNS query), so each fails with
 * region-down us-east-1 or control-plane-down route53. The data plane keeps working through both:
 * health checking, and DNS resolution ({@link Route53Service.resolve}, which the admin API's
 * `route53/dns-answer` view serves in place of a DNS query).
 */
export class Route53Service implements SimService, Persistable<typeof route53StateSchema> {
  readonly signingName = 'route53';
  readonly stateKey = 'route53';
  readonly stateSchema = route53StateSchema;
  readonly zones = new Map<string, HostedZone>();
  readonly healthChecks = new Map<string, HealthCheck>();
  readonly monitor: HealthMonitor;

  constructor(
    private readonly clock: SimClock,
    resolveTarget: TargetResolver,
    private readonly alb: AlbLookup,
    alarmState: AlarmLookup,
    onStatus?: (check: HealthCheck, healthy: boolean) => void,
  ) {
    this.monitor = new HealthMonitor(
      clock,
      resolveTarget,
      (id) => this.healthChecks.get(id),
      alarmState,
      onStatus,
    );
  }

  snapshot(): Route53StateFile {
    return snapshotRoute53(this.zones, this.healthChecks, this.monitor);
  }

  restore(state: z.output<typeof route53StateSchema>): void {
    restoreRoute53(this.zones, this.healthChecks, this.monitor, state);
  }

  operationOf(request: ServiceRequest): string {
    return this.route(request).operation;
  }

  /**
   * The hosted zone or health check a request names, as its ARN (IAM Service Authorization
   * Reference); operations without resource-level permissions, and creates, are on `*`.
   */
  authorization(request: ServiceRequest, operation: string): RequestAuthorization {
    const { id } = this.route(request);
    if (id && ZONE_OPERATIONS.has(operation))
      return { resources: [`arn:aws:route53:::hostedzone/${stripPrefix(id, '/hostedzone/')}`] };
    if (id && HEALTH_CHECK_OPERATIONS.has(operation))
      return { resources: [`arn:aws:route53:::healthcheck/${id}`] };
    if (id && operation === 'GetChange') return { resources: [`arn:aws:route53:::change/${id}`] };
    return { resources: ['*'] };
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return errorResponse(error, ROUTE53_NAMESPACE, request.requestId);
  }

  /**
   * What a DNS resolver near `resolverRegion` gets for `name`: the answer of the most specific hosted
   * zone holding it (Route 53's data plane; no API call, so it works with us-east-1 down).
   */
  resolve(name: string, type: string, resolverRegion: string): DnsAnswer {
    const fqdn = normaliseName(name);
    const zone = [...this.zones.values()]
      .filter((z) => fqdn === z.name || fqdn.endsWith(`.${z.name}`))
      .sort((a, b) => b.name.length - a.name.length)[0];
    if (!zone) return { responseCode: 'NXDOMAIN', values: [] };
    return answer(zone, fqdn, type, {
      zones: () => [...this.zones.values()],
      isHealthy: (id) => this.isHealthy(id),
      alb: this.alb,
      resolverRegion,
    });
  }

  /** Effective status of a health check, as DNS answers use it. */
  isHealthy(id: string): boolean {
    return this.monitor.isHealthy(id);
  }

  private route(request: ServiceRequest): Route {
    const path = request.path.startsWith(PREFIX) ? request.path.slice(PREFIX.length) : request.path;
    const parts = path.split('/').filter(Boolean);
    const m = request.method;
    const [head, id, sub] = parts;
    if (head === 'hostedzone') {
      if (!id) return { operation: m === 'POST' ? 'CreateHostedZone' : 'ListHostedZones' };
      if (sub === 'rrset')
        return { operation: m === 'POST' ? 'ChangeResourceRecordSets' : 'ListResourceRecordSets', id };
      return { operation: m === 'DELETE' ? 'DeleteHostedZone' : 'GetHostedZone', id };
    }
    if (head === 'healthcheck') {
      if (!id) return { operation: m === 'POST' ? 'CreateHealthCheck' : 'ListHealthChecks' };
      if (sub === 'status') return { operation: 'GetHealthCheckStatus', id };
      return {
        operation: { POST: 'UpdateHealthCheck', DELETE: 'DeleteHealthCheck' }[m] ?? 'GetHealthCheck',
        id,
      };
    }
    if (head === 'hostedzonesbyname') return { operation: 'ListHostedZonesByName' };
    if (head === 'change' && id) return { operation: 'GetChange', id };
    if (head === 'testdnsanswer') return { operation: 'TestDNSAnswer' };
    return { operation: 'Unknown' };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const { id = '' } = this.route(request);
    const reply = (root: string, body: XmlValue, status = 200, headers: Record<string, string> = {}) =>
      xmlReply(status, request.requestId, document(root, ROUTE53_NAMESPACE, body), headers);
    switch (operation) {
      case 'CreateHostedZone':
        return this.createHostedZone(parseBody(request.body), reply);
      case 'ListHostedZones':
        return reply(
          'ListHostedZonesResponse',
          fields({
            HostedZones: items('HostedZone', [...this.zones.values()], hostedZoneXml),
            IsTruncated: false,
            MaxItems: 100,
          }),
        );
      case 'ListHostedZonesByName':
        return this.listHostedZonesByName(request.query, reply);
      case 'GetHostedZone': {
        const zone = this.zone(id);
        return reply(
          'GetHostedZoneResponse',
          fields({ HostedZone: hostedZoneXml(zone), DelegationSet: delegationSetXml(zone) }),
        );
      }
      case 'DeleteHostedZone': {
        const zone = this.zone(id);
        if (zone.records.some((r) => r.type !== 'SOA' && !(r.type === 'NS' && r.name === zone.name))) {
          throw new AwsError(
            'HostedZoneNotEmpty',
            'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
          );
        }
        this.zones.delete(zone.id);
        return reply(
          'DeleteHostedZoneResponse',
          fields({ ChangeInfo: changeInfoXml(newId('C'), this.clock.date()) }),
        );
      }
      case 'ChangeResourceRecordSets': {
        const zone = this.zone(id);
        const body = parseBody(request.body);
        applyChangeBatch(zone, body, (hc) => this.healthChecks.has(hc));
        const comment = textOf(child(body, 'ChangeBatch'), 'Comment');
        return reply(
          'ChangeResourceRecordSetsResponse',
          fields({ ChangeInfo: changeInfoXml(newId('C'), this.clock.date(), 'PENDING', comment) }),
        );
      }
      case 'ListResourceRecordSets':
        return this.listResourceRecordSets(this.zone(id), request.query, reply);
      case 'GetChange':
        return reply(
          'GetChangeResponse',
          fields({ ChangeInfo: changeInfoXml(id, this.clock.date(), 'INSYNC') }),
        );
      case 'CreateHealthCheck':
        return this.createHealthCheck(parseBody(request.body), reply);
      case 'ListHealthChecks':
        return reply(
          'ListHealthChecksResponse',
          fields({
            HealthChecks: items('HealthCheck', [...this.healthChecks.values()], healthCheckXml),
            IsTruncated: false,
            MaxItems: 100,
          }),
        );
      case 'GetHealthCheck':
        return reply('GetHealthCheckResponse', fields({ HealthCheck: healthCheckXml(this.healthCheck(id)) }));
      case 'UpdateHealthCheck':
        return this.updateHealthCheck(this.healthCheck(id), parseBody(request.body), reply);
      case 'DeleteHealthCheck': {
        const check = this.healthCheck(id);
        const inUse =
          [...this.zones.values()].some((z) => z.records.some((r) => r.healthCheckId === id)) ||
          [...this.healthChecks.values()].some((h) => h.config.childHealthChecks.includes(id));
        if (inUse) throw new AwsError('HealthCheckInUse', `The health check ${id} is still referenced.`);
        this.monitor.unwatch(check.id);
        this.healthChecks.delete(check.id);
        return reply('DeleteHealthCheckResponse', '');
      }
      case 'GetHealthCheckStatus': {
        // No checker probes a CALCULATED check: the API reference says to read its status in
        // CloudWatch or the console instead, so the API refuses it.
        if (this.healthCheck(id).config.type === 'CALCULATED')
          throw invalidInput(
            `Health check ${id} is a calculated health check; GetHealthCheckStatus does not report it.`,
          );
        const observations = this.monitor.observations(id);
        return reply(
          'GetHealthCheckStatusResponse',
          fields({
            HealthCheckObservations: items('HealthCheckObservation', observations, (o) =>
              fields({
                Region: o.region,
                IPAddress: o.ip,
                StatusReport: fields({ Status: o.status, CheckedTime: o.checkedAt }),
              }),
            ),
          }),
        );
      }
      case 'TestDNSAnswer':
        return this.testDnsAnswer(request.query, reply);
      default:
        throw new AwsError(
          'UnknownOperationException',
          `Unknown operation ${request.method} ${request.path}`,
          404,
        );
    }
  }

  /**
   * Zones in the order of their names with the labels reversed (com.example.trading), from
   * `dnsname` (and `hostedzoneid` among zones of that name) on, `maxitems` (default 100) a page.
   */
  private listHostedZonesByName(
    query: URLSearchParams,
    reply: (root: string, body: XmlValue) => ServiceReply,
  ): ServiceReply {
    const dnsName = query.get('dnsname');
    const startId = query.get('hostedzoneid');
    if (startId && !dnsName) throw invalidInput('hostedzoneid requires dnsname.');
    const maxItems = pageSize(query.get('maxitems'), 100);
    const key = (zone: { name: string; id: string }) => [reverseLabels(zone.name), zone.id];
    const from = key({
      name: dnsName ? normaliseName(dnsName) : '',
      id: stripPrefix(startId ?? '', '/hostedzone/'),
    });
    const { page, next } = pageFrom([...this.zones.values()], key, from, maxItems);
    return reply(
      'ListHostedZonesByNameResponse',
      fields({
        HostedZones: items('HostedZone', page, hostedZoneXml),
        DNSName: dnsName ?? undefined,
        HostedZoneId: startId ?? undefined,
        IsTruncated: next !== undefined,
        NextDNSName: next?.name,
        NextHostedZoneId: next ? `/hostedzone/${next.id}` : undefined,
        MaxItems: maxItems,
      }),
    );
  }

  /**
   * Record sets in Route 53's order (names with the labels reversed, then type, then set
   * identifier), from `name`/`type`/`identifier` on, `maxitems` (default 300) a page.
   */
  private listResourceRecordSets(
    zone: HostedZone,
    query: URLSearchParams,
    reply: (root: string, body: XmlValue) => ServiceReply,
  ): ServiceReply {
    const name = query.get('name');
    const type = query.get('type');
    const identifier = query.get('identifier');
    if (type && !name) throw invalidInput('The input is not valid: type requires name.');
    if (identifier && !type) throw invalidInput('The input is not valid: identifier requires type.');
    const maxItems = pageSize(query.get('maxitems'), 300);
    const key = (record: { name: string; type: string; setIdentifier?: string }) => [
      reverseLabels(record.name),
      record.type,
      record.setIdentifier ?? '',
    ];
    const from = key({
      name: name ? normaliseName(name) : '',
      type: type ?? '',
      setIdentifier: identifier ?? '',
    });
    const { page, next } = pageFrom(zone.records, key, from, maxItems);
    return reply(
      'ListResourceRecordSetsResponse',
      fields({
        ResourceRecordSets: items('ResourceRecordSet', page, recordSetXml),
        IsTruncated: next !== undefined,
        NextRecordName: next?.name,
        NextRecordType: next?.type,
        NextRecordIdentifier: next?.setIdentifier,
        MaxItems: maxItems,
      }),
    );
  }

  private zone(id: string): HostedZone {
    const zone = this.zones.get(stripPrefix(id, '/hostedzone/'));
    if (!zone) throw noSuchHostedZone(id);
    return zone;
  }

  private healthCheck(id: string): HealthCheck {
    const check = this.healthChecks.get(id);
    if (!check) throw noSuchHealthCheck(id);
    return check;
  }

  private createHostedZone(
    body: XmlElement,
    reply: (root: string, body: XmlValue, status?: number, headers?: Record<string, string>) => ServiceReply,
  ): ServiceReply {
    const name = textOf(body, 'Name');
    const callerReference = textOf(body, 'CallerReference');
    if (!name || !callerReference) throw invalidInput('Name and CallerReference are required.');
    if (!/^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9-]+\.?$/i.test(name)) {
      throw new AwsError('InvalidDomainName', `${name} is not a valid domain name.`);
    }
    if ([...this.zones.values()].some((z) => z.callerReference === callerReference)) {
      throw new AwsError(
        'HostedZoneAlreadyExists',
        `A hosted zone has already been created with the specified caller reference.`,
        409,
      );
    }
    const config = child(body, 'HostedZoneConfig');
    const zone: HostedZone = {
      id: newId('Z'),
      name: normaliseName(name),
      callerReference,
      comment: textOf(config, 'Comment'),
      privateZone: textOf(config, 'PrivateZone') === 'true' || child(body, 'VPC') !== undefined,
      records: [],
    };
    zone.records.push(
      { name: zone.name, type: 'NS', ttl: 172800, values: nameServers(zone) },
      {
        name: zone.name,
        type: 'SOA',
        ttl: 900,
        values: [`${nameServers(zone)[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
      },
    );
    this.zones.set(zone.id, zone);
    return reply(
      'CreateHostedZoneResponse',
      fields({
        HostedZone: hostedZoneXml(zone),
        ChangeInfo: changeInfoXml(newId('C'), this.clock.date()),
        DelegationSet: delegationSetXml(zone),
      }),
      201,
      { location: `https://route53.amazonaws.com${PREFIX}/hostedzone/${zone.id}` },
    );
  }

  private createHealthCheck(
    body: XmlElement,
    reply: (root: string, body: XmlValue, status?: number, headers?: Record<string, string>) => ServiceReply,
  ): ServiceReply {
    const callerReference = textOf(body, 'CallerReference');
    if (!callerReference) throw invalidInput('CallerReference is required.');
    const config = parseHealthCheckConfig(child(body, 'HealthCheckConfig'));
    validateHealthCheckConfig(config, (id) => this.healthChecks.get(id));
    const existing = [...this.healthChecks.values()].find((h) => h.callerReference === callerReference);
    if (existing) {
      // Same caller reference and settings: Route 53 answers with the existing check (idempotent retry).
      if (JSON.stringify(existing.config) === JSON.stringify(config)) {
        return reply('CreateHealthCheckResponse', fields({ HealthCheck: healthCheckXml(existing) }), 201);
      }
      throw new AwsError(
        'HealthCheckAlreadyExists',
        'A health check with the specified CallerReference already exists with different settings.',
        409,
      );
    }
    const check: HealthCheck = { id: randomUuid(), callerReference, version: 1, config };
    this.healthChecks.set(check.id, check);
    this.monitor.watch(check);
    return reply('CreateHealthCheckResponse', fields({ HealthCheck: healthCheckXml(check) }), 201, {
      location: `https://route53.amazonaws.com${PREFIX}/healthcheck/${check.id}`,
    });
  }

  private updateHealthCheck(
    check: HealthCheck,
    body: XmlElement,
    reply: (root: string, body: XmlValue) => ServiceReply,
  ): ServiceReply {
    const expected = textOf(body, 'HealthCheckVersion');
    if (expected !== undefined && Number(expected) !== check.version) {
      throw new AwsError(
        'HealthCheckVersionMismatch',
        `The value of HealthCheckVersion in the request (${expected}) doesn't match the current version (${check.version}).`,
        409,
      );
    }
    const config = applyHealthCheckUpdate(check, body);
    validateHealthCheckConfig(config, (id) => this.healthChecks.get(id));
    check.config = config;
    check.version += 1;
    this.monitor.watch(check);
    return reply('UpdateHealthCheckResponse', fields({ HealthCheck: healthCheckXml(check) }));
  }

  private testDnsAnswer(
    query: URLSearchParams,
    reply: (root: string, body: XmlValue) => ServiceReply,
  ): ServiceReply {
    const zoneId = query.get('hostedzoneid');
    const name = query.get('recordname');
    const type = query.get('recordtype');
    if (!zoneId || !name || !type)
      throw invalidInput('hostedzoneid, recordname and recordtype are required.');
    const zone = this.zone(zoneId);
    const result = answer(zone, name, type, {
      zones: () => [...this.zones.values()],
      isHealthy: (id) => this.isHealthy(id),
      alb: this.alb,
      resolverRegion: regionOfResolver(
        query.get('edns0clientsubnetip') ?? query.get('resolverip') ?? undefined,
      ),
    });
    return reply(
      'TestDNSAnswerResponse',
      fields({
        Nameserver: nameServers(zone)[0],
        RecordName: normaliseName(name),
        RecordType: type,
        RecordData: items('RecordDataEntry', result.values, (v) => v),
        ResponseCode: result.responseCode,
        Protocol: 'UDP',
      }),
    );
  }
}

/** Operations on one hosted zone (its id in the path) and on one health check. */
const ZONE_OPERATIONS = new Set([
  'GetHostedZone',
  'DeleteHostedZone',
  'ChangeResourceRecordSets',
  'ListResourceRecordSets',
]);
const HEALTH_CHECK_OPERATIONS = new Set([
  'GetHealthCheck',
  'UpdateHealthCheck',
  'DeleteHealthCheck',
  'GetHealthCheckStatus',
]);

/** `maxitems`: a positive number up to the operation's own maximum (also its default). */
function pageSize(value: string | null, maximum: number): number {
  if (value === null) return maximum;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1) throw invalidInput(`The input is not valid: maxitems ${value}.`);
  return Math.min(size, maximum);
}

/** One page of `all` in `key` order, from the first item at or after `from`; `next` starts the next page. */
function pageFrom<T>(all: readonly T[], key: (item: T) => string[], from: string[], maxItems: number) {
  const rest = [...all]
    .sort((a, b) => compareKeys(key(a), key(b)))
    .filter((item) => compareKeys(key(item), from) >= 0);
  return { page: rest.slice(0, maxItems), next: rest[maxItems] };
}

/** Orders by the first key that differs, each compared by code unit (no locale). */
function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x = '', y = ''] = [a[i], b[i]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function reverseLabels(name: string): string {
  return name.split('.').reverse().join('.');
}

function newId(prefix: string): string {
  return `${prefix}${randomBytes(10).toString('hex').toUpperCase().slice(0, 13)}`;
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

function parseBody(body: Buffer): XmlElement {
  try {
    return parseXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw invalidInput('The XML document is malformed.');
    throw error;
  }
}
