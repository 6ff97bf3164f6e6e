/** Helpers for estate render tests: render example XRs, and make observed resources from them. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../local/crossplane/render/index.js';
import { RESOURCE_NAME_ANNOTATION } from '../../local/crossplane/render/objects.js';
import { renderFiles } from '../../src/cli/render.js';
import type { SchemaCatalog } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';

export const examplesDir = join(projectRoot(), 'examples', 'estate');

export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(examplesDir, name));
}

export interface Rendered {
  xr: KubeObject;
  resources: KubeObject[];
  warnings: string[];
}

export function renderExample(
  file: string,
  options: { catalog: SchemaCatalog; recursive?: boolean; observedFile?: string },
): Rendered {
  const { documents, warnings } = renderFiles({ xrFile: file, ...options });
  const [xr, ...resources] = documents;
  if (!xr) throw new Error(`${file}: nothing rendered`);
  return { xr, resources, warnings };
}

/**
 * A copy of an XR file with `change` applied (to its spec, or a status as a later reconcile would
 * see it), written under `dir`; returns the new file.
 */
export function writeVariant(dir: string, file: string, change: (xr: KubeObject) => void): string {
  const xr = parse(readFileSync(file, 'utf8')) as KubeObject;
  change(xr);
  const variant = join(dir, `${basename(file, '.yaml')}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(variant, stringify(xr));
  return variant;
}

/** What a region's Compute XR reports about its ALB once it exists (status). */
export function reportedAlb(region: string) {
  const arn = (kind: string) =>
    `arn:aws:elasticloadbalancing:${region}:123456789012:${kind}/trading-${region}/0123456789abcdef`;
  return {
    albArn: arn('loadbalancer/app'),
    targetGroupArn: arn('targetgroup'),
    albDnsName: `trading-${region}-0123456789.${region}.elb.amazonaws.com`,
    albZoneId: 'Z35SXDOTRQ7X7K',
  };
}

/** The TradingPlatform one reconcile after both Compute XRs reported their ALBs. */
export function withAlbsReported(xr: KubeObject): void {
  xr.status = {
    ...xr.status,
    compute: Object.fromEntries(REGIONS.map((region) => [region, reportedAlb(region)])),
  };
}

/**
 * Renders a copy of an XR file with `change` applied (see writeVariant) and, when given, `observed`
 * resources (composed XRs among them bring their status); nothing is left behind.
 */
export function renderChanged(
  file: string,
  change: ((xr: KubeObject) => void) | undefined,
  options: { catalog: SchemaCatalog; recursive?: boolean; observed?: KubeObject[] },
): Rendered {
  const { observed, ...rest } = options;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-variant-'));
  try {
    const observedFile = observed ? join(dir, 'observed.yaml') : undefined;
    if (observedFile)
      writeFileSync(observedFile, observed?.map((o) => `---\n${stringify(o)}`).join('') ?? '');
    return renderExample(change ? writeVariant(dir, file, change) : file, { ...rest, observedFile });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An example XR as an object, to change before rendering it with {@link renderXr}. */
export const exampleXr = (name: string): KubeObject =>
  parse(readFileSync(join(examplesDir, name), 'utf8')) as KubeObject;

/** Renders an XR given as an object (written to a temporary file, as the CLI reads XRs from files). */
export function renderXr(
  xr: KubeObject,
  options: { catalog: SchemaCatalog; recursive?: boolean; observed?: KubeObject[] },
): Rendered {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-estate-xr-'));
  try {
    const file = join(dir, 'xr.yaml');
    writeFileSync(file, JSON.stringify(xr));
    return renderChanged(file, undefined, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PlatformRender {
  file?: string;
  change?: (xr: KubeObject) => void;
  observed?: KubeObject[];
}

/**
 * The MRs a TradingPlatform renders to, recursively: by default the shipped example as first
 * applied; `change` it first (a spec edit, or a status a later reconcile sees, such as
 * withAlbsReported) or add observed resources (see converged).
 */
export function renderPlatformMrs(
  catalog: SchemaCatalog,
  { file = join(examplesDir, 'trading-platform.yaml'), change, observed }: PlatformRender = {},
): KubeObject[] {
  const options = { catalog, recursive: true, observed };
  const rendered = change || observed ? renderChanged(file, change, options) : renderExample(file, options);
  return rendered.resources.filter(isManaged);
}

/** A composed XR of the example platform as a later reconcile observes it: named, owned, with a status. */
export function observedComposite(
  kind: string,
  resource: string,
  status: Record<string, unknown>,
): KubeObject {
  const owner = { apiVersion: 'platform.switchyard.dev/v1alpha1', kind: 'TradingPlatform', name: 'trading' };
  return {
    apiVersion: owner.apiVersion,
    kind,
    metadata: {
      name: `${owner.name}-${resource}`,
      namespace: 'trading',
      annotations: { [RESOURCE_NAME_ANNOTATION]: resource },
      ownerReferences: [{ ...owner, uid: '', controller: true }],
    },
    spec: {},
    status,
  };
}

const REGIONS = ['us-east-1', 'us-east-2'];

/** A TrafficRouting's status once its member checks exist: `hc-<member>-<region>` ids. */
export const memberCheckId = (region: string, member: string) => `hc-${member}-${region}`;
export const reportedMemberChecks = () => ({
  healthChecks: Object.fromEntries(
    REGIONS.map((region) => [
      region,
      Object.fromEntries(['alb', 'gate', 'fence'].map((member) => [member, memberCheckId(region, member)])),
    ]),
  ),
});

/** An Alerting's status once its topic key exists. */
export const reportedTopicKey = (region: string) => ({
  encryptionKeyArn: `arn:aws:kms:${region}:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
});

export const converged: PlatformRender = {
  change: withAlbsReported,
  observed: [
    ...REGIONS.map((region) => observedComposite('Alerting', `alerting-${region}`, reportedTopicKey(region))),
    observedComposite('TrafficRouting', 'traffic', reportedMemberChecks()),
  ],
};

export const resourceName = (object: KubeObject) =>
  object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION] ?? '';

export function byResourceName(resources: KubeObject[], name: string): KubeObject {
  const found = resources.find((resource) => resourceName(resource) === name);
  if (!found)
    throw new Error(`no composed resource ${name} (have ${resources.map(resourceName).join(', ')})`);
  return found;
}

export const isManaged = (object: KubeObject) => object.apiVersion.includes('.aws.m.upbound.io/');

/**
 * The composed resources as a provider would report them after creating them: named, Ready and
 * Synced, with `atProvider` filled by `atProvider(resourceName, object)`.
 */
export function observe(
  resources: KubeObject[],
  atProvider: (name: string, object: KubeObject) => Record<string, unknown>,
): KubeObject[] {
  return resources.map((resource) => {
    const name = resourceName(resource);
    const observed = structuredClone(resource);
    observed.metadata.name = `${observed.metadata.generateName ?? ''}${name}`;
    delete observed.metadata.generateName;
    const time = '2026-11-25T00:00:00Z';
    observed.status = {
      atProvider: { ...(observed.spec?.forProvider as object), ...atProvider(name, resource) },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: time },
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: time },
      ],
    };
    return observed;
  });
}

/** `spec.forProvider.region` of an MR (undefined for global kinds). */
export const regionOf = (object: KubeObject): string | undefined =>
  (object.spec?.forProvider as { region?: string } | undefined)?.region;

/** `spec.forProvider` of an MR, typed by the caller (`{}` when it has none). */
export const forProviderOf = <T = Record<string, unknown>>(object: KubeObject): T =>
  (object.spec?.forProvider ?? {}) as T;

/**
 * What would be created half-valid: MRs whose forProvider lacks a value that only arrives later
 * through status (ADR 0005, "held back"). Each problem is `<resource name>: <what is missing>`.
 */
export function halfValid(mrs: KubeObject[]): string[] {
  return mrs.flatMap((mr) => {
    const name = resourceName(mr);
    const p = forProviderOf<{
      type?: string;
      fqdn?: string;
      alias?: { name?: string; zoneId?: string };
      childHealthThreshold?: number;
      childHealthchecks?: string[];
      namespace?: string;
      dimensions?: Record<string, string>;
      kmsMasterKeyId?: string;
    }>(mr);
    const problems: string[] = [];
    if (mr.kind === 'HealthCheck' && p.type === 'HTTPS' && !p.fqdn)
      problems.push('an HTTPS check of no host');
    if (mr.kind === 'HealthCheck' && p.type === 'CALCULATED') {
      const children = p.childHealthchecks?.filter(Boolean).length ?? 0;
      if (children < (p.childHealthThreshold ?? 1)) problems.push(`${children} children`);
    }
    if (mr.kind === 'Record' && p.alias && !(p.alias.name && p.alias.zoneId))
      problems.push('an alias to nothing');
    if (
      mr.kind === 'MetricAlarm' &&
      p.namespace?.startsWith('AWS/') &&
      !Object.keys(p.dimensions ?? {}).length
    )
      problems.push('an alarm on an aggregate');
    if (mr.kind === 'Topic' && !p.kmsMasterKeyId) problems.push('an unencrypted topic');
    return problems.map((problem) => `${name}: ${problem}`);
  });
}
