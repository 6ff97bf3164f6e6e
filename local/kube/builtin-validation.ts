import { isIP } from 'node:net';
import {
  dnsSubdomainProblem,
  labelValueProblem,
  type NameRule,
  qualifiedNameProblem,
} from '../../src/schema/object-meta.js';
import { isPlainObject } from '../../src/schema/openapi.js';
import { sameValue } from './field-set.js';
import { quantityNanos } from './quantity.js';
import type { StatusCause } from './status.js';
import { withRegexHint } from './validation.js';
import { sortKeys } from './write-path.js';

/**
 * What the apiserver checks in Go code on built-in kinds (k8s.io/kubernetes v1.36.3,
 * pkg/apis/<group>/validation), for the kinds and fields Switchyard, its chart and an Argo CD user
 * write: ObjectMeta of every kind, then Deployment, Service, Role/ClusterRole, (Cluster)RoleBinding,
 * PodDisruptionBudget, NetworkPolicy, Job, ConfigMap and Secret, with the apiserver's field paths
 * and messages. Other kinds get the ObjectMeta checks only (docs/adr/0022-emulator-builtin-kinds.md).
 * Runs on the defaulted object, as upstream validates after defaulting.
 */

type Json = Record<string, unknown>;

/** field.ErrorList: causes in the apiserver's reasons and wording. */
class Errors {
  readonly causes: StatusCause[] = [];

  required(field: string, detail = ''): void {
    this.causes.push({
      reason: 'FieldValueRequired',
      message: detail ? `Required value: ${detail}` : 'Required value',
      field,
    });
  }

  invalid(field: string, value: unknown, detail: string): void {
    this.causes.push({
      reason: 'FieldValueInvalid',
      message: withRegexHint(`Invalid value: ${shown(value)}: ${detail}`),
      field,
    });
  }

  notSupported(field: string, value: unknown, supported: string[]): void {
    const values = supported.map((item) => JSON.stringify(item)).join(', ');
    this.causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${shown(value)}: supported values: ${values}`,
      field,
    });
  }

  duplicate(field: string, value: unknown): void {
    this.causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${shown(value)}`, field });
  }

  notFound(field: string, value: unknown): void {
    this.causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${shown(value)}`, field });
  }

  forbidden(field: string, detail: string): void {
    this.causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field });
  }
}

/** How field.Error shows a value: JSON (strings quoted; maps, as Go marshals them, with sorted keys). */
function shown(value: unknown): string {
  return JSON.stringify(sortKeys(value ?? null));
}

const object = (value: unknown): Json => (isPlainObject(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const objects = (value: unknown): Json[] => list(value).filter(isPlainObject);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

/** apimachinery IsDNS1123Label: a valid subdomain that is not a label is told so ("must not contain dots"). */
function dnsLabelProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS_LABEL.test(value))
    problems.push(DNS_SUBDOMAIN.test(value) ? 'must not contain dots' : DNS_LABEL_MESSAGE);
  return problems;
}

function nameProblems(rule: NameRule, name: string): string[] {
  switch (rule) {
    case 'dns-label':
      return dnsLabelProblems(name);
    case 'dns-subdomain': {
      const problem = dnsSubdomainProblem(name);
      return problem ? [problem] : [];
    }
    case 'path-segment': {
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      return ['/', '%'].filter((part) => name.includes(part)).map((part) => `may not contain '${part}'`);
    }
  }
}

/** unversionedvalidation.ValidateLabels: key and value problems, both on the map's path. */
function labels(errors: Errors, value: unknown, field: string): void {
  for (const [key, labelValue] of Object.entries(object(value))) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) errors.invalid(field, key, keyProblem);
    const valueProblem = typeof labelValue === 'string' ? labelValueProblem(labelValue) : undefined;
    if (valueProblem) errors.invalid(field, labelValue, valueProblem);
  }
}

function annotations(errors: Errors, value: unknown, field: string): void {
  for (const key of Object.keys(object(value))) {
    const problem = qualifiedNameProblem(key.toLowerCase());
    if (problem) errors.invalid(field, key, problem);
  }
}

/** ValidateObjectMeta: name (by the kind's rule), namespace, labels, annotations. */
function objectMeta(errors: Errors, meta: Json, rule: NameRule): void {
  const name = str(meta.name);
  if (name !== '')
    for (const problem of nameProblems(rule, name)) errors.invalid('metadata.name', name, problem);
  const namespace = str(meta.namespace);
  if (namespace !== '')
    for (const problem of dnsLabelProblems(namespace))
      errors.invalid('metadata.namespace', namespace, problem);
  labels(errors, meta.labels, 'metadata.labels');
  annotations(errors, meta.annotations, 'metadata.annotations');
}

function nonNegative(errors: Errors, value: unknown, field: string): void {
  if (typeof value === 'number' && value < 0)
    errors.invalid(field, value, 'must be greater than or equal to 0');
}

function portNumberProblem(port: number): string | undefined {
  return port < 1 || port > 65535 ? 'must be between 1 and 65535, inclusive' : undefined;
}

/** validation.IsValidPortName (IANA_SVC_NAME). */
function portNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 15) problems.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name))
    problems.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) problems.push('must contain at least one letter (a-z)');
  if (name.includes('--')) problems.push('must not contain consecutive hyphens (-)');
  if (name.startsWith('-') || name.endsWith('-')) problems.push('must not begin or end with a hyphen (-)');
  return problems;
}

/** ValidatePortNumOrName. */
function portNumOrName(errors: Errors, value: unknown, field: string): void {
  if (typeof value === 'number') {
    const problem = portNumberProblem(value);
    if (problem) errors.invalid(field, value, problem);
  } else if (typeof value === 'string') {
    for (const problem of portNameProblems(value)) errors.invalid(field, value, problem);
  }
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** ValidateLabelSelector (strict: label values in matchLabels must be valid). */
function labelSelector(errors: Errors, selector: unknown, field: string): void {
  if (!isPlainObject(selector)) return;
  labels(errors, selector.matchLabels, `${field}.matchLabels`);
  objects(selector.matchExpressions).forEach((expression, index) => {
    const path = `${field}.matchExpressions[${index}]`;
    const operator = str(expression.operator);
    const values = list(expression.values);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0)
        errors.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'");
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0)
        errors.forbidden(
          `${path}.values`,
          "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        );
    } else errors.invalid(`${path}.operator`, operator, 'not a valid selector operator');
    const keyProblem = qualifiedNameProblem(str(expression.key));
    if (keyProblem) errors.invalid(`${path}.key`, str(expression.key), keyProblem);
  });
}

/** metav1.LabelSelectorAsSelector(...).Matches(labels); a nil selector matches nothing. */
function selectorMatches(selector: unknown, target: Record<string, unknown>): boolean {
  if (!isPlainObject(selector)) return false;
  const matchLabels = object(selector.matchLabels);
  const expressions = objects(selector.matchExpressions);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return true;
  for (const [key, value] of Object.entries(matchLabels)) if (target[key] !== value) return false;
  for (const expression of expressions) {
    const key = str(expression.key);
    const values = list(expression.values);
    const has = key in target;
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(target[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(target[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

function intOrPercent(errors: Errors, value: unknown, field: string, atMost100 = true): void {
  if (typeof value === 'string') {
    if (!/^[0-9]+%$/.test(value))
      errors.invalid(
        field,
        value,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      );
    else if (atMost100 && Number(value.slice(0, -1)) > 100)
      errors.invalid(field, value, 'must not be greater than 100%');
  } else nonNegative(errors, value, field);
}

function intOrPercentValue(value: unknown): number {
  if (typeof value === 'string') return /^[0-9]+%$/.test(value) ? Number(value.slice(0, -1)) : 0;
  return typeof value === 'number' ? value : 0;
}

/** validateContainers (the parts the platform's manifests use). */
function containers(errors: Errors, podSpec: Json, field: string, volumes: Set<string>): void {
  const all = objects(podSpec.containers);
  if (all.length === 0) {
    errors.required(field);
    return;
  }
  const names = new Set<string>();
  all.forEach((container, index) => {
    const path = `${field}[${index}]`;
    const name = str(container.name);
    if (name === '') errors.required(`${path}.name`);
    else {
      for (const problem of dnsLabelProblems(name)) errors.invalid(`${path}.name`, name, problem);
      if (names.has(name)) errors.duplicate(`${path}.name`, name);
      names.add(name);
    }
    if (str(container.image).trim() === '') errors.required(`${path}.image`);
    const policy = str(container.imagePullPolicy);
    if (!['Always', 'IfNotPresent', 'Never'].includes(policy))
      errors.notSupported(`${path}.imagePullPolicy`, policy, ['Always', 'IfNotPresent', 'Never']);
    const portNames = new Set<string>();
    objects(container.ports).forEach((port, portIndex) => {
      const portPath = `${path}.ports[${portIndex}]`;
      const portName = str(port.name);
      if (portName !== '') {
        for (const problem of portNameProblems(portName))
          errors.invalid(`${portPath}.name`, portName, problem);
        if (portNames.has(portName)) errors.duplicate(`${portPath}.name`, portName);
        portNames.add(portName);
      }
      const containerPort = port.containerPort;
      if (containerPort === 0 || containerPort === undefined) errors.required(`${portPath}.containerPort`);
      else if (typeof containerPort === 'number' && portNumberProblem(containerPort))
        errors.invalid(`${portPath}.containerPort`, containerPort, portNumberProblem(containerPort) ?? '');
      if (typeof port.hostPort === 'number' && port.hostPort !== 0 && portNumberProblem(port.hostPort))
        errors.invalid(`${portPath}.hostPort`, port.hostPort, portNumberProblem(port.hostPort) ?? '');
      const protocol = str(port.protocol);
      if (protocol === '') errors.required(`${portPath}.protocol`);
      else if (!PROTOCOLS.includes(protocol))
        errors.notSupported(`${portPath}.protocol`, protocol, PROTOCOLS);
    });
    objects(container.env).forEach((env, envIndex) => {
      const envName = str(env.name);
      if (envName === '') errors.required(`${path}.env[${envIndex}].name`);
      else if (!/^[ -~]+$/.test(envName) || envName.includes('='))
        errors.invalid(
          `${path}.env[${envIndex}].name`,
          envName,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        );
    });
    objects(container.volumeMounts).forEach((mount, mountIndex) => {
      const mountPath = `${path}.volumeMounts[${mountIndex}]`;
      const mountName = str(mount.name);
      if (mountName === '') errors.required(`${mountPath}.name`);
      else if (!volumes.has(mountName)) errors.notFound(`${mountPath}.name`, mountName);
      if (str(mount.mountPath) === '') errors.required(`${mountPath}.mountPath`);
    });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const handler = object(container[probe]);
      for (const action of ['httpGet', 'tcpSocket']) {
        if (isPlainObject(handler[action]))
          portNumOrName(errors, handler[action].port, `${path}.${probe}.${action}.port`);
      }
    }
    resources(errors, object(container.resources), `${path}.resources`);
  });
}

/** ValidateContainerResourceRequirements: quantities not negative, requests not above limits. */
function resources(errors: Errors, requirements: Json, field: string): void {
  const limits = object(requirements.limits);
  const requests = object(requirements.requests);
  for (const [kind, map] of [
    ['limits', limits],
    ['requests', requests],
  ] as const) {
    for (const [name, value] of Object.entries(map)) {
      const nanos = quantityNanos(String(value));
      if (nanos !== undefined && nanos < 0n)
        errors.invalid(`${field}.${kind}[${name}]`, String(value), 'must be greater than or equal to 0');
    }
  }
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined) continue;
    const requested = quantityNanos(String(request));
    const limited = quantityNanos(String(limit));
    if (requested !== undefined && limited !== undefined && requested > limited)
      errors.invalid(
        `${field}.requests`,
        String(request),
        `must be less than or equal to ${name} limit of ${String(limit)}`,
      );
  }
}

/** ValidatePodTemplateSpec + ValidatePodSpec (subset); `restartPolicies` the template's owner allows. */
function podTemplate(errors: Errors, template: Json, field: string): void {
  const meta = object(template.metadata);
  // Upstream names the template's labels `<template>.labels` (not `.metadata.labels`).
  labels(errors, meta.labels, `${field}.labels`);
  annotations(errors, meta.annotations, `${field}.annotations`);
  const spec = object(template.spec);
  const specPath = `${field}.spec`;
  const volumes = new Set<string>();
  objects(spec.volumes).forEach((volume, index) => {
    const name = str(volume.name);
    const path = `${specPath}.volumes[${index}].name`;
    if (name === '') errors.required(path);
    else {
      for (const problem of dnsLabelProblems(name)) errors.invalid(path, name, problem);
      if (volumes.has(name)) errors.duplicate(path, name);
    }
    volumes.add(name);
  });
  containers(errors, spec, `${specPath}.containers`, volumes);
  const restartPolicy = str(spec.restartPolicy);
  if (!['Always', 'OnFailure', 'Never'].includes(restartPolicy))
    errors.notSupported(`${specPath}.restartPolicy`, restartPolicy, ['Always', 'OnFailure', 'Never']);
  const dnsPolicy = str(spec.dnsPolicy);
  const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (!dnsPolicies.includes(dnsPolicy)) errors.notSupported(`${specPath}.dnsPolicy`, dnsPolicy, dnsPolicies);
  const serviceAccount = str(spec.serviceAccountName);
  if (serviceAccount !== '') {
    const problem = dnsSubdomainProblem(serviceAccount);
    if (problem) errors.invalid(`${specPath}.serviceAccountName`, serviceAccount, problem);
  }
  nonNegative(errors, spec.terminationGracePeriodSeconds, `${specPath}.terminationGracePeriodSeconds`);
  labels(errors, spec.nodeSelector, `${specPath}.nodeSelector`);
}

type KindValidator = (errors: Errors, object: Json, old: Json | undefined) => void;

const VALIDATORS: Record<string, KindValidator> = {
  'apps/Deployment': (errors, deployment, old) => {
    const spec = object(deployment.spec);
    nonNegative(errors, spec.replicas, 'spec.replicas');
    const selector = spec.selector;
    if (!isPlainObject(selector)) errors.required('spec.selector');
    else {
      labelSelector(errors, selector, 'spec.selector');
      if (Object.keys(object(selector.matchLabels)).length + list(selector.matchExpressions).length === 0)
        errors.invalid('spec.selector', selector, 'empty selector is invalid for deployment');
    }
    const template = object(spec.template);
    const templateLabels = object(object(template.metadata).labels);
    const empty =
      isPlainObject(selector) &&
      Object.keys(object(selector.matchLabels)).length + list(selector.matchExpressions).length === 0;
    if (!empty && !selectorMatches(selector, templateLabels))
      errors.invalid(
        'spec.template.metadata.labels',
        templateLabels,
        '`selector` does not match template `labels`',
      );
    podTemplate(errors, template, 'spec.template');
    const restartPolicy = str(object(template.spec).restartPolicy);
    if (restartPolicy !== 'Always')
      errors.notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']);
    const strategy = object(spec.strategy);
    if (strategy.type === 'Recreate') {
      if (strategy.rollingUpdate !== undefined)
        errors.forbidden(
          'spec.strategy.rollingUpdate',
          "may not be specified when strategy `type` is 'Recreate'",
        );
    } else if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = object(strategy.rollingUpdate);
      intOrPercent(errors, rollingUpdate.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', false);
      intOrPercent(errors, rollingUpdate.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', false);
      if (
        intOrPercentValue(rollingUpdate.maxUnavailable) === 0 &&
        intOrPercentValue(rollingUpdate.maxSurge) === 0
      )
        errors.invalid(
          'spec.strategy.rollingUpdate.maxUnavailable',
          rollingUpdate.maxUnavailable,
          'may not be 0 when `maxSurge` is 0',
        );
      if (
        intOrPercentValue(rollingUpdate.maxUnavailable) > 100 &&
        typeof rollingUpdate.maxUnavailable === 'string'
      )
        errors.invalid(
          'spec.strategy.rollingUpdate.maxUnavailable',
          rollingUpdate.maxUnavailable,
          'must not be greater than 100%',
        );
    } else errors.notSupported('spec.strategy', strategy, ['Recreate', 'RollingUpdate']);
    nonNegative(errors, spec.minReadySeconds, 'spec.minReadySeconds');
    nonNegative(errors, spec.revisionHistoryLimit, 'spec.revisionHistoryLimit');
    if (typeof spec.progressDeadlineSeconds === 'number') {
      nonNegative(errors, spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds');
      if (spec.progressDeadlineSeconds <= Number(spec.minReadySeconds ?? 0))
        errors.invalid(
          'spec.progressDeadlineSeconds',
          spec.progressDeadlineSeconds,
          'must be greater than minReadySeconds',
        );
    }
    if (old && !sameValue(object(old.spec).selector, selector))
      errors.invalid('spec.selector', selector, 'field is immutable');
  },
  '/Service': (errors, service) => {
    const spec = object(service.spec);
    const type = str(spec.type);
    const headless = spec.clusterIP === 'None';
    const ports = objects(spec.ports);
    if (ports.length === 0 && !headless && type !== 'ExternalName') errors.required('spec.ports');
    const names = new Set<string>();
    ports.forEach((port, index) => {
      const path = `spec.ports[${index}]`;
      const name = str(port.name);
      if (ports.length > 1 && name === '') errors.required(`${path}.name`);
      else if (name !== '') {
        for (const problem of dnsLabelProblems(name)) errors.invalid(`${path}.name`, name, problem);
        if (names.has(name)) errors.duplicate(`${path}.name`, name);
        names.add(name);
      }
      const problem = portNumberProblem(Number(port.port ?? 0));
      if (problem) errors.invalid(`${path}.port`, port.port ?? 0, problem);
      const protocol = str(port.protocol);
      if (protocol === '') errors.required(`${path}.protocol`);
      else if (!PROTOCOLS.includes(protocol)) errors.notSupported(`${path}.protocol`, protocol, PROTOCOLS);
      portNumOrName(errors, port.targetPort, `${path}.targetPort`);
      if (type === 'ClusterIP' && port.nodePort)
        errors.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'");
    });
    if (isPlainObject(spec.selector)) labels(errors, spec.selector, 'spec.selector');
    const affinity = str(spec.sessionAffinity);
    if (!['ClientIP', 'None'].includes(affinity))
      errors.notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']);
    list(spec.clusterIPs).forEach((ip, index) => {
      if (ip !== 'None' && (typeof ip !== 'string' || isIP(ip) === 0))
        errors.invalid(
          `spec.clusterIPs[${index}]`,
          ip,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        );
    });
    const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
    if (type === '') errors.required('spec.type');
    else if (!types.includes(type)) errors.notSupported('spec.type', type, types);
  },
  'rbac.authorization.k8s.io/Role': (errors, role) => policyRules(errors, role, true),
  'rbac.authorization.k8s.io/ClusterRole': (errors, role) => policyRules(errors, role, false),
  'rbac.authorization.k8s.io/RoleBinding': (errors, binding, old) => roleBinding(errors, binding, old, true),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (errors, binding, old) =>
    roleBinding(errors, binding, old, false),
  'policy/PodDisruptionBudget': (errors, budget) => {
    const spec = object(budget.spec);
    if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined)
      errors.causes.push({
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${internalPdbSpec(spec)}: minAvailable and maxUnavailable cannot be both set`,
        field: 'spec',
      });
    if (spec.minAvailable !== undefined) intOrPercent(errors, spec.minAvailable, 'spec.minAvailable');
    if (spec.maxUnavailable !== undefined) intOrPercent(errors, spec.maxUnavailable, 'spec.maxUnavailable');
    labelSelector(errors, spec.selector, 'spec.selector');
    const policy = spec.unhealthyPodEvictionPolicy;
    if (policy !== undefined && !['AlwaysAllow', 'IfHealthyBudget'].includes(str(policy)))
      errors.notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']);
  },
  'networking.k8s.io/NetworkPolicy': (errors, policy) => {
    const spec = object(policy.spec);
    labelSelector(errors, spec.podSelector, 'spec.podSelector');
    for (const direction of ['ingress', 'egress'] as const) {
      objects(spec[direction]).forEach((rule, index) => {
        const path = `spec.${direction}[${index}]`;
        objects(rule.ports).forEach((port, portIndex) => {
          networkPolicyPort(errors, port, `${path}.ports[${portIndex}]`);
        });
        objects(rule[direction === 'ingress' ? 'from' : 'to']).forEach((peer, peerIndex) => {
          const peerPath = `${path}.${direction === 'ingress' ? 'from' : 'to'}[${peerIndex}]`;
          if (isPlainObject(peer.ipBlock)) {
            const cidr = str(peer.ipBlock.cidr);
            if (cidr === '') errors.required(`${peerPath}.ipBlock.cidr`);
            else if (!isCidr(cidr))
              errors.invalid(
                `${peerPath}.ipBlock.cidr`,
                cidr,
                'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
              );
          }
          labelSelector(errors, peer.podSelector, `${peerPath}.podSelector`);
          labelSelector(errors, peer.namespaceSelector, `${peerPath}.namespaceSelector`);
        });
      });
    }
    list(spec.policyTypes).forEach((type, index) => {
      if (type !== 'Ingress' && type !== 'Egress')
        errors.notSupported(`spec.policyTypes[${index}]`, type, ['Ingress', 'Egress']);
    });
  },
  'batch/Job': (errors, job) => {
    const spec = object(job.spec);
    for (const field of [
      'parallelism',
      'completions',
      'activeDeadlineSeconds',
      'backoffLimit',
      'ttlSecondsAfterFinished',
    ])
      nonNegative(errors, spec[field], `spec.${field}`);
    const template = object(spec.template);
    podTemplate(errors, template, 'spec.template');
    const restartPolicy = str(object(template.spec).restartPolicy);
    if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never')
      errors.required('spec.template.spec.restartPolicy', 'valid values: "OnFailure", "Never"');
  },
  '/ConfigMap': (errors, configMap) => configKeys(errors, configMap),
  '/Secret': (errors, secret) => configKeys(errors, secret),
};

function policyRules(errors: Errors, role: Json, namespaced: boolean): void {
  objects(role.rules).forEach((rule, index) => {
    const path = `rules[${index}]`;
    if (list(rule.verbs).length === 0)
      errors.required(`${path}.verbs`, 'verbs must contain at least one value');
    const urls = list(rule.nonResourceURLs);
    if (urls.length > 0) {
      if (namespaced)
        errors.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs');
      if (
        list(rule.apiGroups).length > 0 ||
        list(rule.resources).length > 0 ||
        list(rule.resourceNames).length > 0
      )
        errors.invalid(
          `${path}.nonResourceURLs`,
          urls,
          'rules cannot apply to both regular resources and non-resource URLs',
        );
      return;
    }
    if (list(rule.apiGroups).length === 0)
      errors.required(`${path}.apiGroups`, 'resource rules must supply at least one api group');
    if (list(rule.resources).length === 0)
      errors.required(`${path}.resources`, 'resource rules must supply at least one resource');
  });
}

function roleBinding(errors: Errors, binding: Json, old: Json | undefined, namespaced: boolean): void {
  const roleRef = object(binding.roleRef);
  if (roleRef.apiGroup !== 'rbac.authorization.k8s.io')
    errors.notSupported('roleRef.apiGroup', roleRef.apiGroup ?? '', ['rbac.authorization.k8s.io']);
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(roleRef.kind))) errors.notSupported('roleRef.kind', roleRef.kind ?? '', kinds);
  const name = str(roleRef.name);
  if (name === '') errors.required('roleRef.name');
  else
    for (const problem of nameProblems('path-segment', name)) errors.invalid('roleRef.name', name, problem);
  objects(binding.subjects).forEach((subject, index) => {
    const path = `subjects[${index}]`;
    const subjectName = str(subject.name);
    if (subjectName === '') errors.required(`${path}.name`);
    switch (subject.kind) {
      case 'ServiceAccount':
        if (subjectName !== '') {
          const problem = dnsSubdomainProblem(subjectName);
          if (problem) errors.invalid(`${path}.name`, subjectName, problem);
        }
        if (str(subject.apiGroup) !== '') errors.notSupported(`${path}.apiGroup`, subject.apiGroup, ['']);
        if (!namespaced && str(subject.namespace) === '') errors.required(`${path}.namespace`);
        break;
      case 'User':
      case 'Group':
        if (subject.apiGroup !== 'rbac.authorization.k8s.io')
          errors.notSupported(`${path}.apiGroup`, subject.apiGroup ?? '', ['rbac.authorization.k8s.io']);
        break;
      default:
        errors.notSupported(`${path}.kind`, subject.kind ?? '', ['ServiceAccount', 'User', 'Group']);
    }
  });
  if (old && !sameValue(old.roleRef, binding.roleRef))
    errors.invalid('roleRef', binding.roleRef, 'cannot change roleRef');
}

function networkPolicyPort(errors: Errors, port: Json, path: string): void {
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(str(port.protocol)))
    errors.notSupported(`${path}.protocol`, port.protocol, ['TCP', 'UDP', 'SCTP']);
  if (typeof port.port === 'number') {
    const problem = portNumberProblem(port.port);
    if (problem) errors.invalid(`${path}.port`, port.port, problem);
    if (typeof port.endPort === 'number') {
      if (port.endPort < port.port)
        errors.invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`');
      const endProblem = portNumberProblem(port.endPort);
      if (endProblem) errors.invalid(`${path}.endPort`, port.endPort, endProblem);
    }
  } else if (typeof port.port === 'string') {
    if (port.endPort !== undefined)
      errors.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric');
    for (const problem of portNameProblems(port.port)) errors.invalid(`${path}.port`, port.port, problem);
  } else if (port.endPort !== undefined)
    errors.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified');
}

function isCidr(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d+$/.test(bits)) return false;
  const version = isIP(address);
  return version !== 0 && Number(bits) <= (version === 4 ? 32 : 128);
}

/** ConfigMap and Secret keys (IsConfigMapKey), on `data[<key>]`. */
function configKeys(errors: Errors, object: Json): void {
  for (const field of ['data', 'binaryData', 'stringData']) {
    const map = object[field];
    if (!isPlainObject(map)) continue;
    for (const key of Object.keys(map)) {
      const path = `${field}[${key}]`;
      if (key.length > 253) errors.invalid(path, key, 'must be no more than 253 characters');
      if (!/^[-._a-zA-Z0-9]+$/.test(key))
        errors.invalid(
          path,
          key,
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        );
      else if (key === '.' || key === '..' || key.startsWith('..'))
        errors.invalid(
          path,
          key,
          key.startsWith('..') && key.length > 2 ? "must not start with '..'" : `must not be '${key}'`,
        );
    }
  }
}

/** The PodDisruptionBudget spec as Go prints the internal struct: field names, no JSON tags. */
function internalPdbSpec(spec: Json): string {
  return JSON.stringify({
    MinAvailable: spec.minAvailable ?? null,
    Selector: sortKeys(spec.selector ?? null),
    MaxUnavailable: spec.maxUnavailable ?? null,
    UnhealthyPodEvictionPolicy: spec.unhealthyPodEvictionPolicy ?? null,
  });
}

/** The 422 causes for a built-in object (empty when valid); `old` is the stored object on updates. */
export function validateBuiltin(
  group: string,
  kind: string,
  nameRule: NameRule,
  object: Json,
  old?: Json,
): StatusCause[] {
  const errors = new Errors();
  objectMeta(errors, isPlainObject(object.metadata) ? object.metadata : {}, nameRule);
  VALIDATORS[`${group}/${kind}`]?.(errors, object, old);
  return errors.causes;
}
