import { AwsError } from '../core/errors.js';
import { child, childrenNamed, textOf, type XmlElement } from '../core/xml.js';
import {
  HEALTH_CHECK_TYPES,
  type HealthCheck,
  type HealthCheckConfig,
  type HealthCheckType,
} from './model.js';

export function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInput', `Invalid parameter : ${message}`);
}

function intField(element: XmlElement | undefined, name: string): number | undefined {
  const text = textOf(element, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw invalidInput(`${name} must be an integer, got "${text}"`);
  return Number(text);
}

function boolField(element: XmlElement | undefined, name: string): boolean | undefined {
  const text = textOf(element, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalidInput(`${name} must be true or false, got "${text}"`);
  return text === 'true';
}

/** HealthCheckConfig of a CreateHealthCheck body, with Route 53's defaults and checks. */
export function parseHealthCheckConfig(element: XmlElement | undefined): HealthCheckConfig {
  if (!element) throw invalidInput('HealthCheckConfig is required.');
  const type = textOf(element, 'Type') as HealthCheckType | undefined;
  if (!type || !HEALTH_CHECK_TYPES.includes(type))
    throw invalidInput(`Type must be one of ${HEALTH_CHECK_TYPES.join(', ')}.`);
  const alarm = child(element, 'AlarmIdentifier');
  const config: HealthCheckConfig = {
    type,
    ipAddress: textOf(element, 'IPAddress'),
    port: intField(element, 'Port'),
    resourcePath: textOf(element, 'ResourcePath'),
    fqdn: textOf(element, 'FullyQualifiedDomainName'),
    searchString: textOf(element, 'SearchString'),
    // AWS's defaults: checks every 30 s (or 10), status changes after 3 results the other way
    // (../shared/reference/failover-anchors.md §2.2 and §2.3 [R2][R6]).
    requestInterval: intField(element, 'RequestInterval') ?? 30,
    failureThreshold: intField(element, 'FailureThreshold') ?? 3,
    measureLatency: boolField(element, 'MeasureLatency') ?? false,
    inverted: boolField(element, 'Inverted') ?? false,
    disabled: boolField(element, 'Disabled') ?? false,
    healthThreshold: intField(element, 'HealthThreshold'),
    childHealthChecks: childrenNamed(child(element, 'ChildHealthChecks'), 'ChildHealthCheck').map((c) =>
      c.text.trim(),
    ),
    enableSni: boolField(element, 'EnableSNI'),
    regions: childrenNamed(child(element, 'Regions'), 'Region').map((r) => r.text.trim()),
    alarmRegion: textOf(alarm, 'Region'),
    alarmName: textOf(alarm, 'Name'),
    insufficientDataHealthStatus: textOf(element, 'InsufficientDataHealthStatus'),
  };
  if (type === 'CALCULATED') config.healthThreshold ??= config.childHealthChecks.length;
  return config;
}

/** UpdateHealthCheck: only the fields Route 53 lets you change; Type and RequestInterval are fixed. */
export function applyHealthCheckUpdate(check: HealthCheck, body: XmlElement): HealthCheckConfig {
  const next: HealthCheckConfig = { ...check.config };
  const set = <K extends keyof HealthCheckConfig>(key: K, value: HealthCheckConfig[K] | undefined) => {
    if (value !== undefined) next[key] = value;
  };
  set('ipAddress', textOf(body, 'IPAddress'));
  set('port', intField(body, 'Port'));
  set('resourcePath', textOf(body, 'ResourcePath'));
  set('fqdn', textOf(body, 'FullyQualifiedDomainName'));
  set('searchString', textOf(body, 'SearchString'));
  set('failureThreshold', intField(body, 'FailureThreshold'));
  set('inverted', boolField(body, 'Inverted'));
  set('disabled', boolField(body, 'Disabled'));
  set('healthThreshold', intField(body, 'HealthThreshold'));
  set('enableSni', boolField(body, 'EnableSNI'));
  const children = child(body, 'ChildHealthChecks');
  if (children)
    next.childHealthChecks = childrenNamed(children, 'ChildHealthCheck').map((c) => c.text.trim());
  const regions = child(body, 'Regions');
  if (regions) next.regions = childrenNamed(regions, 'Region').map((r) => r.text.trim());
  for (const reset of childrenNamed(child(body, 'ResetElements'), 'ResettableElementName')) {
    if (reset.text.trim() === 'ResourcePath') next.resourcePath = undefined;
    if (reset.text.trim() === 'FullyQualifiedDomainName') next.fqdn = undefined;
    if (reset.text.trim() === 'Regions') next.regions = [];
    if (reset.text.trim() === 'ChildHealthChecks') next.childHealthChecks = [];
  }
  return next;
}

/** Rejects configurations Route 53 rejects; `exists` tells whether a child ID names a check. */
export function validateHealthCheckConfig(
  config: HealthCheckConfig,
  lookup: (id: string) => HealthCheck | undefined,
): void {
  const endpointTypes: HealthCheckType[] = ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'];
  if (endpointTypes.includes(config.type)) {
    if (!config.ipAddress && !config.fqdn) {
      throw invalidInput('Either IPAddress or FullyQualifiedDomainName must be specified.');
    }
    if (config.type === 'TCP' && config.port === undefined)
      throw invalidInput('Port is required for TCP health checks.');
  }
  if (config.port !== undefined && (config.port < 1 || config.port > 65535)) {
    throw invalidInput('Port must be between 1 and 65535.');
  }
  if (config.requestInterval !== 10 && config.requestInterval !== 30) {
    throw invalidInput('RequestInterval must be 10 or 30.');
  }
  if (config.failureThreshold < 1 || config.failureThreshold > 10) {
    throw invalidInput('FailureThreshold must be between 1 and 10.');
  }
  if (config.type.endsWith('_STR_MATCH') && !config.searchString) {
    throw invalidInput(`SearchString is required for ${config.type} health checks.`);
  }
  if (config.type === 'CALCULATED') {
    if ((config.healthThreshold ?? 0) > 256) throw invalidInput('HealthThreshold must be between 0 and 256.');
    for (const id of config.childHealthChecks) {
      const childCheck = lookup(id);
      if (!childCheck)
        throw new AwsError('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404);
      if (childCheck.config.type === 'CALCULATED') {
        throw invalidInput(
          'A calculated health check cannot have another calculated health check as a child.',
        );
      }
    }
  }
  if (config.type === 'CLOUDWATCH_METRIC' && !config.alarmName) {
    throw invalidInput('AlarmIdentifier is required for CLOUDWATCH_METRIC health checks.');
  }
}
