import { describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { decodeOpenApiV2 } from '../../../local/kube/openapi-protobuf.js';
import { goodManifests, type Manifest } from './bad-manifests.js';
import { useKubectl } from './kubectl-runner.js';
import type { KubeTarget, WireResponse } from './target.js';
import { warningsOf } from './target.js';

/**
 * Built-in kinds from Kubernetes' own schemas (issue 20), the same cases on both targets: the
 * emulator in `npm test`, the full kube-apiserver v1.36.3 in test:real (kube-builtin-wire.test.ts).
 * Objects are the chart's (src/chart) plus a NetworkPolicy and a Job (bad-manifests.ts).
 */

type Json = Record<string, unknown> & { metadata?: Record<string, unknown> };

const STRATEGIC = 'application/strategic-merge-patch+json';
const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

const CLUSTER_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding']);

/** The REST path of a built-in manifest's collection. */
export function collectionOf(manifest: Manifest, namespace: string): string {
  const [group, version] = manifest.apiVersion.includes('/')
    ? manifest.apiVersion.split('/')
    : ['', manifest.apiVersion];
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const lower = manifest.kind.toLowerCase();
  const plural = lower.endsWith('y') ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  return CLUSTER_KINDS.has(manifest.kind)
    ? `${prefix}/${plural}`
    : `${prefix}/namespaces/${namespace}/${plural}`;
}

/** The chart's and the corpus's valid objects, cluster-scoped ones renamed per namespace so cases do not collide. */
export function objectsFor(namespace: string): Manifest[] {
  return goodManifests().map((manifest) =>
    CLUSTER_KINDS.has(manifest.kind)
      ? { ...manifest, metadata: { ...manifest.metadata, name: `${namespace}-${manifest.metadata.name}` } }
      : manifest,
  );
}

export function defineBuiltinSuite(target: () => KubeTarget): void {
  const t = () => target();
  const { k, ok } = useKubectl(target);

  async function namespace(name: string): Promise<string> {
    const created = await t().request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    expect([201, 409], created.text).toContain(created.status);
    return name;
  }

  async function create(manifest: Manifest, ns: string): Promise<WireResponse> {
    const response = await t().request('POST', collectionOf(manifest, ns), manifest);
    expect(response.status, response.text).toBe(201);
    return response;
  }

  const deploymentPath = (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments/switchyard-controller`;
  const findKind = (objects: Manifest[], kind: string) => {
    const found = objects.find((object) => object.kind === kind);
    if (!found) throw new Error(`no ${kind}`);
    return found;
  };

  describe('built-in kinds from Kubernetes’ OpenAPI documents', () => {
    it('lists the kinds in discovery with their verbs, short names and subresources', async () => {
      const apps = (await t().request('GET', '/apis/apps/v1')).body as { resources: Json[] };
      const byName = new Map(apps.resources.map((resource) => [String(resource.name), resource]));
      expect(byName.get('deployments')).toMatchObject({
        kind: 'Deployment',
        namespaced: true,
        shortNames: ['deploy'],
        categories: ['all'],
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      });
      expect(byName.get('deployments/scale')).toMatchObject({
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
      expect(byName.get('deployments/status')).toMatchObject({ kind: 'Deployment' });
      for (const [path, name, shortNames] of [
        ['/api/v1', 'services', ['svc']],
        ['/apis/policy/v1', 'poddisruptionbudgets', ['pdb']],
        ['/apis/networking.k8s.io/v1', 'networkpolicies', ['netpol']],
        ['/apis/rbac.authorization.k8s.io/v1', 'clusterrolebindings', undefined],
        ['/apis/batch/v1', 'jobs', undefined],
      ] as const) {
        const list = (await t().request('GET', path)).body as { resources: Json[] };
        const resource = list.resources.find((entry) => entry.name === name);
        expect(resource, `${path} ${name}`).toBeDefined();
        expect(resource?.shortNames).toEqual(shortNames);
      }
    });

    it('creates the chart’s objects with the apiserver’s defaults', async () => {
      const ns = await namespace('builtin-defaults');
      const objects = objectsFor(ns);
      const created = new Map<string, Json>();
      for (const object of objects) created.set(object.kind, (await create(object, ns)).body as Json);
      const deployment = created.get('Deployment') as Json;
      expect(deployment.spec).toMatchObject({
        progressDeadlineSeconds: 600,
        revisionHistoryLimit: 10,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          spec: {
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            schedulerName: 'default-scheduler',
            terminationGracePeriodSeconds: 30,
            serviceAccount: 'switchyard-controller',
            containers: [
              expect.objectContaining({
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
                livenessProbe: expect.objectContaining({
                  timeoutSeconds: 1,
                  successThreshold: 1,
                  failureThreshold: 3,
                }),
              }),
            ],
          },
        },
      });
      expect(deployment.metadata?.generation).toBe(1);
      const service = created.get('Service') as Json & { spec: Json };
      expect(service.spec).toMatchObject({
        type: 'ClusterIP',
        sessionAffinity: 'None',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      });
      expect(String(service.spec.clusterIP)).toMatch(/^10\.96\.\d+\.\d+$/);
      expect(service.spec.clusterIPs).toEqual([service.spec.clusterIP]);
      expect(service.status).toEqual({ loadBalancer: {} });
      expect(service.metadata).not.toHaveProperty('generation');
      expect(created.get('PodDisruptionBudget')?.status).toEqual({
        currentHealthy: 0,
        desiredHealthy: 0,
        disruptionsAllowed: 0,
        expectedPods: 0,
      });
      const job = created.get('Job') as Json & { spec: Json; metadata: Json };
      expect(job.spec).toMatchObject({
        backoffLimit: 2,
        completions: 1,
        parallelism: 1,
        completionMode: 'NonIndexed',
        suspend: false,
        manualSelector: false,
        selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid } },
      });
      expect(created.get('NetworkPolicy')).toMatchObject({
        spec: { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] },
      });
      const namespaceObject = (await t().request('GET', `/api/v1/namespaces/${ns}`)).body as Json;
      expect(namespaceObject).toMatchObject({
        metadata: { labels: { 'kubernetes.io/metadata.name': ns } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
    });

    it('refuses bad manifests with the field named and stores nothing', async () => {
      const ns = await namespace('builtin-bad');
      const deployment = findKind(objectsFor(ns), 'Deployment');
      const { selector: _selector, ...specWithoutSelector } = deployment.spec as Json;
      const noSelector = await t().request('POST', collectionOf(deployment, ns), {
        ...deployment,
        spec: specWithoutSelector,
      });
      expect(noSelector.status).toBe(422);
      expect((noSelector.body as { details: { causes: Json[] } }).details.causes).toContainEqual({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.selector',
      });
      const role = findKind(objectsFor(ns), 'Role');
      const verbs = await t().request('POST', collectionOf(role, ns), {
        ...role,
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: 'get' }],
      });
      expect(verbs.status).toBe(400);
      expect((verbs.body as Json).message).toBe(
        'Role in version "v1" cannot be handled as a Role: json: cannot unmarshal string into Go struct field PolicyRule.rules.verbs of type []string',
      );
      const service = findKind(objectsFor(ns), 'Service');
      const port = await t().request('POST', collectionOf(service, ns), {
        ...service,
        spec: {
          ...(service.spec as Json),
          ports: [{ name: 'http-metrics', port: 70000, targetPort: 'http' }],
        },
      });
      expect(port.status).toBe(422);
      expect((port.body as Json).message).toBe(
        'Service "switchyard-controller-metrics" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      );
      for (const object of [deployment, role, service]) {
        const name = String(object.metadata.name);
        expect((await t().request('GET', `${collectionOf(object, ns)}/${name}`)).status).toBe(404);
      }
      const removed = await t().request(
        'POST',
        `/apis/apps/v1beta1/namespaces/${ns}/deployments`,
        deployment,
      );
      expect(removed.status).toBe(404);
      expect(removed.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
    });

    it('prunes unknown fields with a warning, refuses them under strict validation', async () => {
      const ns = await namespace('builtin-unknown');
      const service = findKind(objectsFor(ns), 'Service');
      const spec = { ...(service.spec as Json), colour: 'blue' };
      const warned = await t().request('POST', collectionOf(service, ns), { ...service, spec });
      expect(warned.status).toBe(201);
      expect(warningsOf(warned)).toEqual(['unknown field "spec.colour"']);
      expect((warned.body as { spec: Json }).spec).not.toHaveProperty('colour');
      const strict = await t().request('POST', `${collectionOf(service, ns)}?fieldValidation=Strict`, {
        ...service,
        metadata: { name: 'strict' },
        spec,
      });
      expect(strict.status).toBe(400);
      expect((strict.body as Json).message).toBe(
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.colour"',
      );
    });

    it('merges strategic patches by the documents’ merge keys and directives', async () => {
      const ns = await namespace('builtin-strategic');
      await create(findKind(objectsFor(ns), 'Deployment'), ns);
      const path = deploymentPath(ns);
      // As helm's three-way patch: one container's env by merge key, the order of the list kept.
      const env = await t().request(
        'PATCH',
        path,
        {
          spec: {
            template: {
              spec: {
                '$setElementOrder/containers': [{ name: 'controller' }],
                containers: [{ name: 'controller', env: [{ name: 'A', value: '1' }] }],
              },
            },
          },
        },
        { contentType: STRATEGIC },
      );
      expect(env.status, env.text).toBe(200);
      const container = ((env.body as Json).spec as { template: { spec: { containers: Json[] } } }).template
        .spec.containers;
      expect(container).toHaveLength(1);
      expect(container[0]).toMatchObject({
        name: 'controller',
        image: 'ghcr.io/switchyard/controller:0.1.0',
        env: [{ name: 'A', value: '1' }],
      });
      const more = await t().request(
        'PATCH',
        path,
        {
          spec: {
            template: {
              spec: {
                containers: [
                  {
                    name: 'controller',
                    env: [
                      { name: 'B', value: '2' },
                      { name: 'A', $patch: 'delete' },
                    ],
                  },
                ],
              },
            },
          },
        },
        { contentType: STRATEGIC },
      );
      const envAfter = ((more.body as Json).spec as { template: { spec: { containers: Json[] } } }).template
        .spec.containers[0]?.env;
      expect(envAfter).toEqual([{ name: 'B', value: '2' }]);
      // retainKeys: switching the strategy to Recreate drops rollingUpdate.
      const recreate = await t().request(
        'PATCH',
        path,
        { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
        { contentType: STRATEGIC },
      );
      expect(recreate.status, recreate.text).toBe(200);
      expect(((recreate.body as Json).spec as Json).strategy).toEqual({ type: 'Recreate' });
      expect((recreate.body as Json).metadata?.generation).toBe(4);
    });

    it('applies server-side with conflicts on the built-in kind’s fields', async () => {
      const ns = await namespace('builtin-apply');
      const deployment = findKind(objectsFor(ns), 'Deployment');
      const path = deploymentPath(ns);
      const first = await t().request('PATCH', `${path}?fieldManager=gitops`, undefined, {
        contentType: APPLY,
        raw: stringify({ ...deployment, metadata: { name: 'switchyard-controller' } }),
      });
      expect(first.status, first.text).toBe(201);
      const conflict = await t().request('PATCH', `${path}?fieldManager=operator`, undefined, {
        contentType: APPLY,
        raw: stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'switchyard-controller' },
          spec: { replicas: 5 },
        }),
      });
      expect(conflict.status).toBe(409);
      expect((conflict.body as Json).message).toBe(
        'Apply failed with 1 conflict: conflict with "gitops": .spec.replicas',
      );
      // The containers list is a map by name: another manager owns only its own container's field.
      const sidecar = await t().request('PATCH', `${path}?fieldManager=operator`, undefined, {
        contentType: APPLY,
        raw: stringify({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'switchyard-controller' },
          spec: {
            template: { spec: { containers: [{ name: 'controller', env: [{ name: 'X', value: 'z' }] }] } },
          },
        }),
      });
      expect(sidecar.status, sidecar.text).toBe(200);
      const containers = ((sidecar.body as Json).spec as { template: { spec: { containers: Json[] } } })
        .template.spec.containers;
      expect(containers[0]).toMatchObject({
        name: 'controller',
        image: 'ghcr.io/switchyard/controller:0.1.0',
        env: [{ name: 'X', value: 'z' }],
      });
    });

    it('scales through the scale subresource', async () => {
      const ns = await namespace('builtin-scale');
      await create(findKind(objectsFor(ns), 'Deployment'), ns);
      const scale = await t().request('GET', `${deploymentPath(ns)}/scale`);
      expect(scale.body).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 2 },
        status: {
          selector:
            'app.kubernetes.io/component=controller,app.kubernetes.io/instance=switchyard,app.kubernetes.io/name=switchyard',
        },
      });
      const patched = await t().request(
        'PATCH',
        `${deploymentPath(ns)}/scale`,
        { spec: { replicas: 4 } },
        { contentType: MERGE },
      );
      expect(patched.body).toMatchObject({ spec: { replicas: 4 } });
      const deployment = (await t().request('GET', deploymentPath(ns))).body as {
        spec: Json;
        metadata: Json;
      };
      expect(deployment.spec.replicas).toBe(4);
      expect(deployment.metadata.managedFields).toContainEqual(
        expect.objectContaining({
          manager: 'switchyard-wire',
          subresource: 'scale',
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        }),
      );
      const negative = await t().request('PUT', `${deploymentPath(ns)}/scale`, {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'switchyard-controller', namespace: ns },
        spec: { replicas: -1 },
      });
      expect(negative.status).toBe(422);
      expect((negative.body as Json).message).toBe(
        'Scale.autoscaling "switchyard-controller" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
    });

    it('lets helm update its release Secret without a resourceVersion, and refuses that for a PodDisruptionBudget', async () => {
      const ns = await namespace('builtin-put');
      const secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'release' },
        type: 'helm.sh/release.v1',
        data: { release: 'djE=' },
      };
      expect((await t().request('POST', `/api/v1/namespaces/${ns}/secrets`, secret)).status).toBe(201);
      const put = await t().request('PUT', `/api/v1/namespaces/${ns}/secrets/release`, {
        ...secret,
        data: { release: 'djI=' },
      });
      expect(put.status, put.text).toBe(200);
      const pdb = findKind(objectsFor(ns), 'PodDisruptionBudget');
      await create(pdb, ns);
      const unconditional = await t().request('PUT', `${collectionOf(pdb, ns)}/${pdb.metadata.name}`, pdb);
      expect(unconditional.status).toBe(422);
      expect((unconditional.body as { details: { causes: Json[] } }).details.causes).toEqual([
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    });

    it('serves tables with the kinds’ printer columns', async () => {
      const ns = await namespace('builtin-table');
      for (const object of objectsFor(ns)) await create(object, ns);
      const header = async (path: string) =>
        (
          (await t().request('GET', path, undefined, { accept: TABLE })).body as { columnDefinitions: Json[] }
        ).columnDefinitions.map(
          (column) => `${String(column.name)}:${String(column.type)}:${String(column.priority)}`,
        );
      expect(await header(`/apis/apps/v1/namespaces/${ns}/deployments`)).toEqual([
        'Name:string:0',
        'Ready:string:0',
        'Up-to-date:string:0',
        'Available:string:0',
        'Age:string:0',
        'Containers:string:1',
        'Images:string:1',
        'Selector:string:1',
      ]);
      const services = (
        await t().request('GET', `/api/v1/namespaces/${ns}/services`, undefined, { accept: TABLE })
      ).body as {
        rows: { cells: unknown[] }[];
      };
      expect(services.rows[0]?.cells).toEqual([
        'switchyard-controller-metrics',
        'ClusterIP',
        expect.stringMatching(/^10\.96\./),
        '<none>',
        '8080/TCP',
        expect.stringMatching(/^\d+s$/),
        'app.kubernetes.io/component=controller,app.kubernetes.io/instance=switchyard,app.kubernetes.io/name=switchyard',
      ]);
      const pdbs = (
        await t().request('GET', `/apis/policy/v1/namespaces/${ns}/poddisruptionbudgets`, undefined, {
          accept: TABLE,
        })
      ).body as { rows: { cells: unknown[] }[] };
      expect(pdbs.rows[0]?.cells.slice(0, 4)).toEqual(['switchyard-controller', '1', 'N/A', 0]);
    });

    it('publishes OpenAPI v3 per group-version and v2 in protobuf, covering built-in kinds and CRDs', async () => {
      // kube-apiserver adds a CRD's group-version to its OpenAPI documents from a controller queue,
      // some time after the CRD is Established (seconds under CI load): wait for it, bounded.
      await vi.waitFor(
        async () => {
          const index = (await t().request('GET', '/openapi/v3')).body as { paths: Record<string, unknown> };
          expect(Object.keys(index.paths)).toEqual(
            expect.arrayContaining([
              'api/v1',
              'apis/apps/v1',
              'apis/rbac.authorization.k8s.io/v1',
              'apis/wire.switchyard.dev/v1',
            ]),
          );
        },
        { timeout: 30_000, interval: 250 },
      );
      const apps = (await t().request('GET', '/openapi/v3/apis/apps/v1')).body as {
        components: { schemas: Record<string, Json> };
      };
      expect(
        apps.components.schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'],
      ).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
      await vi.waitFor(
        async () => {
          const v2 = await t().request('GET', '/openapi/v2', undefined, { accept: PROTOBUF_V2 });
          expect(v2.status).toBe(200);
          expect(v2.headers['content-type']).toBe(
            'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
          );
          const definitions = decodeOpenApiV2(v2.bytes).definitions as Record<string, Json>;
          expect(definitions['io.k8s.api.apps.v1.DeploymentSpec']?.required).toEqual([
            'selector',
            'template',
          ]);
          expect(definitions['dev.switchyard.wire.v1.Widget']).toBeDefined();
        },
        { timeout: 30_000, interval: 250 },
      );
      const unacceptable = await t().request('GET', '/openapi/v2', undefined, { accept: 'text/html' });
      expect(unacceptable.status).toBe(406);
    });

    it('kubectl applies, explains, lists, scales and deletes them', async () => {
      const ns = await namespace('builtin-kubectl');
      const objects = objectsFor(ns).map((object) =>
        CLUSTER_KINDS.has(object.kind)
          ? object
          : { ...object, metadata: { ...object.metadata, namespace: ns } },
      );
      const applied = await ok(
        ['apply', '-f', '-'],
        objects.map((object) => stringify(object)).join('---\n'),
      );
      expect(applied).toContain('deployment.apps/switchyard-controller created');
      expect(applied).toContain(
        'rolebinding.rbac.authorization.k8s.io/switchyard-controller-leader-election created',
      );
      const reapplied = await ok(
        ['apply', '-f', '-'],
        objects.map((object) => stringify(object)).join('---\n'),
      );
      expect(reapplied).toContain('deployment.apps/switchyard-controller unchanged');
      const explained = await ok(['explain', 'deployment.spec']);
      expect(explained).toContain('FIELD: spec <DeploymentSpec>');
      expect(explained).toMatch(/selector\s+<LabelSelector> -required-/);
      const table = await ok(['get', 'deploy,svc,role,rolebinding,pdb', '-n', ns]);
      expect(table).toMatch(
        /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/switchyard-controller\s+0\/2\s+0\s+0\s+\d+s/,
      );
      expect(table).toMatch(
        /NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nservice\/switchyard-controller-metrics\s+ClusterIP\s+10\.96\.\S+\s+<none>\s+8080\/TCP/,
      );
      expect(table).toMatch(/NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE/);
      expect(await ok(['scale', 'deployment/switchyard-controller', '-n', ns, '--replicas=3'])).toContain(
        'scaled',
      );
      expect(
        await ok(['get', 'deploy', 'switchyard-controller', '-n', ns, '-o', 'jsonpath={.spec.replicas}']),
      ).toBe('3');
      const bad = await k().run(['apply', '-f', '-'], {
        stdin: stringify({
          ...objects.find((o) => o.kind === 'Role'),
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }],
        }),
      });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('rules[0].verbs: Required value: verbs must contain at least one value');
      expect(
        await ok(['delete', '-f', '-'], objects.map((object) => stringify(object)).join('---\n')),
      ).toContain('deployment.apps "switchyard-controller" deleted');
    });
  });
}
