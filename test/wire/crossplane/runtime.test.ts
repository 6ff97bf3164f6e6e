/**
 * local/crossplane's runtime over the wire, against the embedded Kubernetes API (local/kube) with
 * an in-memory AWS behind the provider seam (fake-aws.ts): the management prerequisites, the
 * published estate's packages, XRDs and Compositions, then the example TradingPlatform composed
 * down to managed resources and provisioned, as `npm start` runs it once per region's cluster.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_NAME_ANNOTATION } from '../../../local/crossplane/render/objects.js';
import {
  EXTERNAL_NAME_ANNOTATION,
  installManagementPrerequisites,
  type LocalCrossplane,
  startLocalCrossplane,
} from '../../../local/crossplane/runtime/index.js';
import { crossplaneChildName } from '../../../local/crossplane/runtime/names.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { converged, renderPlatformMrs } from '../../support/estate.js';
import { waitFor } from '../../support/wait.js';
import { type KubeTarget, startEmulatorTarget } from '../kube/target.js';
import { FakeAws, RECORD_ONLY_KIND } from './fake-aws.js';

type Json = Record<string, unknown>;
type Obj = Json & { apiVersion: string; kind: string; metadata: Json & { name: string; namespace?: string } };

const NAMESPACE = 'trading';
const XR_PATH = `/apis/platform.switchyard.dev/v1alpha1/namespaces/${NAMESPACE}/tradingplatforms`;
const compositionsDir = join(projectRoot(), 'compositions');

const documentsOf = (file: string) =>
  parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as Obj | null)
    .filter((object): object is Obj => object !== null);

function estateDocuments(): { packages: Obj[]; definitions: Obj[]; compositions: Obj[] } {
  const all = readdirSync(compositionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(compositionsDir, entry.name))
        .filter((file) => file.endsWith('.yaml'))
        .flatMap((file) => documentsOf(join(compositionsDir, entry.name, file))),
    );
  return {
    packages: documentsOf(join(compositionsDir, 'packages.yaml')),
    definitions: all.filter((object) => object.kind === 'CompositeResourceDefinition'),
    compositions: all.filter((object) => object.kind === 'Composition'),
  };
}

const conditionOf = (object: Json, type: string) =>
  ((object.status as { conditions?: Json[] } | undefined)?.conditions ?? []).find(
    (condition) => condition.type === type,
  );

let kube: KubeTarget;
let crossplane: LocalCrossplane;
const aws = new FakeAws();

async function ok(method: string, path: string, body?: unknown, contentType?: string): Promise<Json> {
  const response = await kube.request(method, path, body, contentType ? { contentType } : {});
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.body as Json;
}

/** The served paths of every listable namespaced kind of `group` suffix, from discovery. */
async function listAll(groupSuffix: string): Promise<Obj[]> {
  const groups = (await ok('GET', '/apis')).groups as { preferredVersion: { groupVersion: string } }[];
  const objects: Obj[] = [];
  for (const group of groups) {
    const gv = group.preferredVersion.groupVersion;
    if (!gv.split('/')[0]?.endsWith(groupSuffix)) continue;
    const resources = (await ok('GET', `/apis/${gv}`)).resources as { name: string; kind: string }[];
    for (const resource of resources.filter((candidate) => !candidate.name.includes('/'))) {
      const list = await ok('GET', `/apis/${gv}/${resource.name}`);
      for (const item of list.items as Obj[]) objects.push({ ...item, apiVersion: gv, kind: resource.kind });
    }
  }
  return objects;
}

const managed = () => listAll('.aws.m.upbound.io');
const composites = () => listAll('platform.switchyard.dev');
const resourceNameOf = (object: Obj) =>
  ((object.metadata.annotations ?? {}) as Record<string, string>)[RESOURCE_NAME_ANNOTATION] ?? '';
const regionOf = (object: Obj) =>
  String(((object.spec as Json | undefined)?.forProvider as Json | undefined)?.region ?? '');
const composedKey = (object: Obj) => `${object.kind} ${resourceNameOf(object)} ${regionOf(object)}`;

beforeAll(async () => {
  const started = Date.now();
  kube = await startEmulatorTarget();
  const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  await installManagementPrerequisites({ kubeconfig: kube.kubeconfig, log });
  // The LB is observed as still provisioning until the test releases it: records wait for its dnsName.
  aws.heldKinds.add('LB');
  aws.failures.set('failing-bucket', 'simulated AWS failure: AccessDenied');
  crossplane = await startLocalCrossplane({
    kubeconfig: kube.kubeconfig,
    provider: aws,
    log,
    deploymentMessage: 'runs in-process in this test',
  });
  const { packages, definitions, compositions } = estateDocuments();
  await ok('POST', '/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAMESPACE },
  });
  for (const pkg of packages.filter((object) => object.kind === 'Provider' || object.kind === 'Function')) {
    await ok(
      'POST',
      `/apis/pkg.crossplane.io/v1/${pkg.kind === 'Provider' ? 'providers' : 'functions'}`,
      pkg,
    );
  }
  for (const xrd of definitions)
    await ok('POST', '/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions', xrd);
  for (const composition of compositions)
    await ok('POST', '/apis/apiextensions.crossplane.io/v1/compositions', composition);
  await crossplane.idle();
  console.log(`prerequisites, packages (with their CRDs) and XRDs established in ${Date.now() - started} ms`);
}, 60_000);

afterAll(async () => {
  await crossplane?.stop();
  await kube?.close();
});

describe('local/crossplane runtime on the embedded Kubernetes API', () => {
  it('installs the providers CRDs and establishes every composite CRD', async () => {
    await waitFor(
      async () => {
        const xrds = (await ok('GET', '/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions'))
          .items as Obj[];
        return xrds.length === 11 && xrds.every((xrd) => conditionOf(xrd, 'Established')?.status === 'True');
      },
      'every XRD Established',
      20_000,
    );
    const providers = (await ok('GET', '/apis/pkg.crossplane.io/v1/providers')).items as Obj[];
    expect(providers.map((provider) => conditionOf(provider, 'Healthy')?.status)).toEqual(
      providers.map(() => 'True'),
    );
    // A managed-resource kind of each provider group is served, and the ProviderConfig kinds.
    for (const path of [
      '/apis/ec2.aws.m.upbound.io/v1beta1',
      '/apis/route53.aws.m.upbound.io/v1beta1',
      '/apis/aws.m.upbound.io/v1beta1',
    ]) {
      expect((await ok('GET', path)).resources).not.toHaveLength(0);
    }
  });

  it('reports a Deployment available, saying why with the message it was given', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments';
    await ok('POST', path, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'controller' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'controller' } },
        template: {
          metadata: { labels: { app: 'controller' } },
          spec: { containers: [{ name: 'controller', image: 'switchyard:local' }] },
        },
      },
    });
    await waitFor(
      async () => conditionOf(await ok('GET', `${path}/controller`), 'Available')?.status === 'True',
      'the Deployment Available',
      10_000,
    );
    const deployment = await ok('GET', `${path}/controller`);
    expect(deployment.status).toMatchObject({ availableReplicas: 2, readyReplicas: 2 });
    expect(conditionOf(deployment, 'Available')).toMatchObject({
      reason: 'MinimumReplicasAvailable',
      message: 'runs in-process in this test',
    });
  });

  it('composes the whole TradingPlatform, holding records back until the load balancer has a DNS name', async () => {
    const xr = documentsOf(join(projectRoot(), 'examples/estate/trading-platform.yaml'))[0] as Obj;
    await ok('POST', XR_PATH, xr);
    const expected = renderPlatformMrs(SchemaCatalog.load(), converged) as unknown as Obj[];
    const records = expected.filter((object) => object.kind === 'Record');
    expect(records.length).toBeGreaterThan(0);
    // While the load balancers are still provisioning, what does not need their DNS name is composed …
    let count = -1;
    let stableSince = Date.now();
    await waitFor(
      async () => {
        const now = (await managed()).length;
        if (now !== count) [count, stableSince] = [now, Date.now()];
        return count > 0 && Date.now() - stableSince > 700;
      },
      'composition to settle while the load balancers provision',
      20_000,
    );
    const held = await managed();
    expect(
      held.filter((object) => object.kind === 'LB').map((lb) => conditionOf(lb, 'Ready')?.status),
    ).toEqual(['False', 'False']);
    // … and the DNS records (with what else waits on the DNS name) are held back.
    expect(held.filter((object) => object.kind === 'Record')).toEqual([]);
    expect(held.length).toBeLessThan(expected.length);
    expect(conditionOf(await ok('GET', `${XR_PATH}/trading`), 'Ready')?.status).toBe('False');

    aws.heldKinds.clear();
    await waitFor(
      async () => {
        return conditionOf(await ok('GET', `${XR_PATH}/trading`), 'Ready')?.status === 'True';
      },
      'the TradingPlatform Ready',
      20_000,
    );
    await crossplane.idle();

    const actual = (await managed()).filter((object) => object.metadata.namespace === NAMESPACE);
    // The fixture's converged render does not report the ALB and target group ARN suffixes, so it
    // still holds back the scaling policies (a Required combine of both); here AWS reported them.
    const scalingPolicies = ['Policy scaling-policy us-east-1', 'Policy scaling-policy us-east-2'];
    expect(actual.map(composedKey).sort()).toEqual([...expected.map(composedKey), ...scalingPolicies].sort());
    expect(actual.length).toBeGreaterThan(140);
    expect(actual.filter((object) => object.kind === 'Record').length).toBeGreaterThan(0);
    const xrs = await composites();
    expect(xrs.length).toBeGreaterThanOrEqual(12);
    for (const composite of xrs) {
      const machinery = (
        composite.spec as { crossplane: { compositionRef?: { name: string }; resourceRefs?: unknown[] } }
      ).crossplane;
      expect(machinery.compositionRef?.name, composite.kind).toBeDefined();
      expect(machinery.resourceRefs?.length, composite.kind).toBeGreaterThan(0);
      expect(composite.metadata.finalizers).toEqual(['composite.apiextensions.crossplane.io']);
    }
    for (const composite of xrs)
      expect([composite.kind, conditionOf(composite, 'Ready')?.status]).toEqual([composite.kind, 'True']);
  }, 60_000);

  it('leaves every managed resource Ready and Synced with its external name, created once', async () => {
    const resources = (await managed()).filter((object) => object.metadata.namespace === NAMESPACE);
    for (const mr of resources) {
      const annotations = (mr.metadata.annotations ?? {}) as Record<string, string>;
      const external = aws.resources.get(`${NAMESPACE}/${mr.kind}/${mr.metadata.name}`)?.externalName;
      expect(external, `${mr.kind} ${mr.metadata.name}`).toBeDefined();
      expect(annotations[EXTERNAL_NAME_ANNOTATION]).toBe(external);
      expect(conditionOf(mr, 'Ready')?.status).toBe('True');
      expect(conditionOf(mr, 'Synced')?.status).toBe('True');
      expect(mr.metadata.finalizers).toContain('finalizer.managedresource.crossplane.io');
      // Named as Crossplane v2 names composed resources, controlled by the XR that composed them.
      const owner = (mr.metadata.ownerReferences as { uid: string; controller?: boolean }[]).find(
        (o) => o.controller,
      );
      expect(mr.metadata.name).toBe(
        crossplaneChildName(String(mr.metadata.generateName), String(owner?.uid), resourceNameOf(mr)),
      );
    }
    const recordOnly = resources.find((mr) => mr.kind === RECORD_ONLY_KIND);
    expect(conditionOf(recordOnly as Obj, 'Ready')?.message).toMatch(/recorded only/);
    const creates = aws.callsOf('create').filter((call) => call.namespace === NAMESPACE);
    expect(creates).toHaveLength(resources.length);
    // A resync observes again and creates nothing more.
    await ok(
      'PATCH',
      `${XR_PATH}/trading`,
      { metadata: { labels: { resync: 'yes' } } },
      'application/merge-patch+json',
    );
    await crossplane.idle();
    expect(aws.callsOf('create').filter((call) => call.namespace === NAMESPACE)).toHaveLength(
      resources.length,
    );
  }, 30_000);

  it('respects managementPolicies and initProvider, and keeps a failing resource to itself', async () => {
    const vpc = (name: string, extra: Json) => ({
      apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
      kind: 'VPC',
      metadata: { name, namespace: 'default' },
      spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.9.0.0/16' }, ...extra },
    });
    await ok(
      'POST',
      '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/default/vpcs',
      vpc('observe-only', { managementPolicies: ['Observe'] }),
    );
    await ok(
      'POST',
      '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/default/vpcs',
      vpc('with-init', { initProvider: { tags: { team: 'trading' } } }),
    );
    await ok('POST', '/apis/s3.aws.m.upbound.io/v1beta1/namespaces/default/buckets', {
      apiVersion: 's3.aws.m.upbound.io/v1beta1',
      kind: 'Bucket',
      metadata: { name: 'failing-bucket', namespace: 'default' },
      spec: { forProvider: { region: 'us-east-1' } },
    });
    await waitFor(
      async () =>
        conditionOf(
          await ok('GET', '/apis/s3.aws.m.upbound.io/v1beta1/namespaces/default/buckets/failing-bucket'),
          'Synced',
        )?.status === 'False' &&
        conditionOf(
          await ok('GET', '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/default/vpcs/with-init'),
          'Ready',
        )?.status === 'True',
      'the failing bucket reported and the other VPC ready',
      10_000,
    );
    const failing = await ok(
      'GET',
      '/apis/s3.aws.m.upbound.io/v1beta1/namespaces/default/buckets/failing-bucket',
    );
    expect(conditionOf(failing, 'Synced')).toMatchObject({
      reason: 'ReconcileError',
      message: 'cannot create external resource: simulated AWS failure: AccessDenied',
    });
    const observeOnly = await ok(
      'GET',
      '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/default/vpcs/observe-only',
    );
    expect(conditionOf(observeOnly, 'Synced')).toMatchObject({
      status: 'False',
      reason: 'ReconcileError',
      message: 'cannot observe external resource: external resource does not exist',
    });
    const defaultCalls = aws.calls.filter((call) => call.namespace === 'default');
    expect(defaultCalls.filter((call) => call.name === 'observe-only')).toEqual([]);
    const withInit = defaultCalls.filter((call) => call.name === 'with-init');
    expect(withInit.map((call) => call.operation)).toEqual(['create']);
    expect(withInit[0]?.forProvider).toMatchObject({ cidrBlock: '10.9.0.0/16', tags: { team: 'trading' } });
    // The failure is retried with backoff.
    await waitFor(
      async () => aws.calls.filter((call) => call.name === 'failing-bucket').length >= 2,
      'a retried create',
      10_000,
    );
  }, 30_000);

  it('looks referenced resources up by name and by labels, and retries what waits on them', async () => {
    await ok('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'refs' },
    });
    const subnet = (name: string, forProvider: Json) => ({
      apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
      kind: 'Subnet',
      metadata: { name, namespace: 'refs' },
      spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.8.1.0/24', ...forProvider } },
    });
    const subnets = '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/refs/subnets';
    await ok('POST', subnets, subnet('by-name', { vpcIdRef: { name: 'main' } }));
    await ok('POST', subnets, subnet('by-label', { vpcIdSelector: { matchLabels: { tier: 'core' } } }));
    await waitFor(
      async () =>
        conditionOf(await ok('GET', `${subnets}/by-name`), 'Synced')?.reason === 'ReconcileError' &&
        conditionOf(await ok('GET', `${subnets}/by-label`), 'Synced')?.reason === 'ReconcileError',
      'both subnets waiting for their VPC',
      10_000,
    );
    // Long enough for the backoff to have grown past 3 s (100 ms doubling: the 6th retry waits 3.2 s).
    await waitFor(
      async () => (aws.createAttempts.get('by-name') ?? 0) >= 6,
      'six attempts at the subnet',
      15_000,
    );
    expect(conditionOf(await ok('GET', `${subnets}/by-name`), 'Synced')?.message).toMatch(
      /referenced VPC .* is not ready/,
    );
    const vpcs = '/apis/ec2.aws.m.upbound.io/v1beta1/namespaces/refs/vpcs';
    for (const [name, labels] of [
      ['other', { tier: 'edge' }],
      ['main', { tier: 'core' }],
    ] as const) {
      await ok('POST', vpcs, {
        apiVersion: 'ec2.aws.m.upbound.io/v1beta1',
        kind: 'VPC',
        metadata: { name, namespace: 'refs', labels },
        spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.8.0.0/16' } },
      });
    }
    const started = Date.now();
    await waitFor(
      async () =>
        conditionOf(await ok('GET', `${subnets}/by-name`), 'Ready')?.status === 'True' &&
        conditionOf(await ok('GET', `${subnets}/by-label`), 'Ready')?.status === 'True',
      'both subnets Ready once their VPC is',
      10_000,
    );
    // Retried when the VPC turned Ready, not at the end of the grown backoff.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(Object.fromEntries(aws.references)).toEqual({
      'Subnet/by-name': 'main',
      'Subnet/by-label': 'main',
    });
  }, 30_000);

  it('deleting the XR deletes what it composed, through each managed resource', async () => {
    const before = (await managed()).filter((object) => object.metadata.namespace === NAMESPACE).length;
    await ok('DELETE', `${XR_PATH}/trading`);
    await waitFor(async () => (await composites()).length === 0, 'every XR gone', 20_000);
    expect((await managed()).filter((object) => object.metadata.namespace === NAMESPACE)).toEqual([]);
    expect(aws.callsOf('delete').filter((call) => call.namespace === NAMESPACE)).toHaveLength(before);
    expect([...aws.resources.keys()].filter((key) => key.startsWith(`${NAMESPACE}/`))).toEqual([]);
  }, 30_000);

  it('composes and provisions the whole estate within a few seconds when AWS answers at once', async () => {
    const xr = documentsOf(join(projectRoot(), 'examples/estate/trading-platform.yaml'))[0] as Obj;
    const started = Date.now();
    await ok('POST', XR_PATH, xr);
    await waitFor(
      async () => conditionOf(await ok('GET', `${XR_PATH}/trading`), 'Ready')?.status === 'True',
      'the TradingPlatform Ready',
      20_000,
    );
    const elapsed = Date.now() - started;
    const resources = (await managed()).filter((object) => object.metadata.namespace === NAMESPACE);
    console.log(`composed and provisioned ${resources.length} managed resources in ${elapsed} ms`);
    expect(resources.every((mr) => conditionOf(mr, 'Ready')?.status === 'True')).toBe(true);
    // The lead's budget for `npm start` is 20 s including this; a regression to polling shows here.
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);
});
