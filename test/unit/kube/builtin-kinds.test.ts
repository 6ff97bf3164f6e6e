/**
 * The pieces of the emulator's built-in kinds that imitate Go code (docs/adr/0022-emulator-builtin-kinds.md):
 * quantities and base64 as apimachinery and encoding/base64 treat them (expected values measured
 * with k8s.io/apimachinery v0.36.3 and Go 1.26 on 2026-12-03), strategic merge patch on the apps/v1
 * schema read from Kubernetes' document, decoding errors in encoding/json's words, and the OpenAPI v2
 * protobuf round trip. The wire suites (test/wire/kube/builtin.suite.ts) cover them end to end.
 */
import { describe, expect, it } from 'vitest';
import { base64Problem, decodeAsGo } from '../../../local/kube/go-decode.js';
import { KubeApi } from '../../../local/kube/index.js';
import { decodeOpenApiV2, encodeOpenApiV2 } from '../../../local/kube/openapi-protobuf.js';
import { OpenApiPublisher } from '../../../local/kube/openapi-publisher.js';
import { canonicalQuantity } from '../../../local/kube/quantity.js';
import { strategicMergePatch } from '../../../local/kube/strategic-merge.js';

const api = new KubeApi();
const deployments = api.registry.find('apps', 'v1', 'deployments');
const schema = () => {
  if (!deployments?.builtin) throw new Error('apps/v1 deployments is not served from its document');
  return deployments.builtin.schema;
};

describe('quantities as resource.Quantity writes them back', () => {
  it.each([
    ['100m', '100m'],
    ['1000m', '1'],
    ['0.5', '500m'],
    ['.5', '500m'],
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['2048Ki', '2Mi'],
    ['2000Ki', '2000Ki'],
    ['1025Ki', '1025Ki'],
    ['1000', '1k'],
    ['1024', '1024'],
    ['1e3', '1e3'],
    ['1.5e3', '1500'],
    ['0.1m', '100u'],
    ['+5', '+5'],
    ['5.', '5.'],
    ['0', '0'],
  ])('%s → %s', (given, stored) => {
    expect(canonicalQuantity(given)).toBe(stored);
  });

  it('refuses what ParseQuantity refuses', () => {
    for (const bad of ['1Gb', '1K', 'abc', '']) expect(canonicalQuantity(bad)).toBeUndefined();
  });
});

describe('[]byte fields as encoding/base64 decodes them', () => {
  it.each([
    ['not base64!', 3],
    ['abc', 0],
    ['abcd=', 4],
    ['ab==cd', 4],
    ['YQ=', 3],
    ['YQ', 0],
    ['ab=c', 2],
    ['Y Q==', 1],
  ])('%j fails at input byte %d', (text, position) => {
    expect(base64Problem(text)).toBe(position);
  });

  it('accepts padded base64', () => {
    expect(base64Problem('YQ==')).toBeUndefined();
    expect(base64Problem('c2VjcmV0')).toBeUndefined();
  });
});

describe('decoding into the Go types', () => {
  it('names the first type error as encoding/json does, collects unknown fields and drops nulls', () => {
    const decoded = decodeAsGo(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'd', labels: null },
        spec: {
          replicas: '2',
          colour: 'blue',
          template: { spec: { containers: [{ name: 'c', args: 'x', ports: [{ containerPort: 1.5 }] }] } },
        },
      },
      schema(),
    );
    expect(decoded.error).toBe(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(decoded.unknownFields).toEqual(['spec.colour']);
    expect(decoded.object.metadata).toEqual({ name: 'd' });
  });

  it('reports a number that does not fit its integer type', () => {
    const decoded = decodeAsGo({ spec: { replicas: 3_000_000_000 } }, schema());
    expect(decoded.error).toBe(
      'json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });
});

describe('strategic merge patch by the document’s patch hints', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', finalizers: ['a', 'b'], labels: { app: 'x', tier: 'y' } },
    spec: {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } },
      template: {
        spec: {
          containers: [
            { name: 'main', image: 'main:1', env: [{ name: 'A', value: '1' }] },
            { name: 'sidecar', image: 'sidecar:1' },
          ],
        },
      },
    },
  };

  it('merges list items by merge key, deletes with $patch and null, keeps other items', () => {
    const patched = strategicMergePatch(
      live,
      {
        metadata: { labels: { tier: null } },
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'main', image: 'main:2', env: [{ name: 'B', value: '2' }] },
                { name: 'sidecar', $patch: 'delete' },
                { name: 'extra', image: 'extra:1' },
              ],
            },
          },
        },
      },
      schema(),
    );
    expect(patched.metadata).toEqual({ name: 'd', finalizers: ['a', 'b'], labels: { app: 'x' } });
    expect(
      (patched.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers,
    ).toEqual([
      {
        name: 'main',
        image: 'main:2',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'extra', image: 'extra:1' },
    ]);
  });

  it('orders by $setElementOrder, clears by $retainKeys, removes with $deleteFromPrimitiveList, replaces with $patch: replace', () => {
    const patched = strategicMergePatch(
      live,
      {
        metadata: {
          '$deleteFromPrimitiveList/finalizers': ['a'],
          labels: { $patch: 'replace', only: 'this' },
        },
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'main' }] } },
        },
      },
      schema(),
    );
    expect(patched.metadata).toEqual({ name: 'd', finalizers: ['b'], labels: { only: 'this' } });
    const spec = patched.spec as {
      strategy: unknown;
      template: { spec: { containers: { name: string }[] } };
    };
    expect(spec.strategy).toEqual({ type: 'Recreate' });
    expect(spec.template.spec.containers.map((container) => container.name)).toEqual(['sidecar', 'main']);
  });
});

describe('OpenAPI v2 in gnostic’s protobuf', () => {
  it('decodes back to the JSON document the emulator publishes (built-in kinds and custom resources)', () => {
    const publisher = new OpenApiPublisher(api.registry);
    const json = publisher.v2Json();
    const decoded = decodeOpenApiV2(encodeOpenApiV2(json));
    expect(decoded).toEqual(JSON.parse(JSON.stringify(json)));
    expect(Object.keys(decoded.definitions as object)).toContain('io.k8s.api.apps.v1.Deployment');
  });
});
