import { join } from 'node:path';
import { waitFor } from '../../support/wait.js';
import { readCrdDocuments } from './crd-files.js';
import type { KubeTarget } from './target.js';

/** A small CRD exercising what the suite checks: status subresource, defaults, CEL (incl. a transition rule), list types, printer columns, selectable fields. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.wire.switchyard.dev' },
  spec: {
    group: 'wire.switchyard.dev',
    scope: 'Namespaced',
    names: {
      plural: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
      shortNames: ['wd'],
      categories: ['wire'],
    },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        selectableFields: [{ jsonPath: '.spec.color' }],
        additionalPrinterColumns: [
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['color'],
                'x-kubernetes-validations': [
                  {
                    rule: "self.size <= 10 || self.color == 'red'",
                    message: 'only red widgets may be larger than 10',
                  },
                ],
                properties: {
                  color: { type: 'string', enum: ['red', 'green', 'blue'] },
                  size: { type: 'integer', default: 1, minimum: 0 },
                  serial: {
                    type: 'string',
                    'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'serial is immutable' }],
                  },
                  tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                  parts: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: {
                      type: 'object',
                      required: ['name'],
                      properties: { name: { type: 'string' }, count: { type: 'integer' } },
                    },
                  },
                },
              },
              status: {
                type: 'object',
                properties: {
                  phase: { type: 'string' },
                  conditions: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['type'],
                    items: {
                      type: 'object',
                      required: ['type', 'status'],
                      properties: {
                        type: { type: 'string' },
                        status: { type: 'string' },
                        reason: { type: 'string' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

export const WIDGETS = '/apis/wire.switchyard.dev/v1';
export const widgetsIn = (namespace: string) => `${WIDGETS}/namespaces/${namespace}/widgets`;

export function widget(
  name: string,
  spec: Record<string, unknown> = { color: 'green' },
  metadata: Record<string, unknown> = {},
) {
  return { apiVersion: 'wire.switchyard.dev/v1', kind: 'Widget', metadata: { name, ...metadata }, spec };
}

const CRDS_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const repoRoot = join(import.meta.dirname, '../../..');

/** The project's CRDs plus the Widget CRD. */
export function suiteCrds(): Record<string, unknown>[] {
  return [...readCrdDocuments(join(repoRoot, 'charts/switchyard/crds')), WIDGET_CRD];
}

/** Creates CRDs and waits until each is Established and its group-version is discoverable. */
export async function installCrds(target: KubeTarget, crds: Record<string, unknown>[]): Promise<void> {
  for (const crd of crds) {
    const response = await target.request('POST', CRDS_PATH, crd);
    if (response.status !== 201 && response.status !== 409)
      throw new Error(`CRD refused (${response.status}): ${response.text}`);
  }
  for (const crd of crds) await waitEstablished(target, crd);
}

/**
 * The namespaces the shared wire suites create objects in: a real cluster's NamespaceLifecycle
 * admission refuses objects in a namespace that does not exist (the emulator too, when asked).
 */
export const SUITE_NAMESPACES = [
  'wire-api',
  'wire-patch',
  'wire-list',
  'x',
  'wire-watch',
  'wire-informers',
  'trading',
];

export async function createNamespaces(target: KubeTarget, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const response = await target.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
    });
    if (response.status !== 201 && response.status !== 409)
      throw new Error(`Namespace ${name} refused (${response.status}): ${response.text}`);
  }
}

/** What the shared suites need on a fresh server: their CRDs and their namespaces. */
export async function prepareSuites(target: KubeTarget): Promise<void> {
  await installCrds(target, suiteCrds());
  await createNamespaces(target, SUITE_NAMESPACES);
}

export async function waitEstablished(target: KubeTarget, crd: Record<string, unknown>): Promise<void> {
  const { name } = crd.metadata as { name: string };
  const spec = crd.spec as { group: string; versions: { name: string }[] };
  await waitFor(
    async () => {
      const got = await target.request('GET', `${CRDS_PATH}/${name}`);
      const conditions =
        (got.body as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ??
        [];
      const discovery = await target.request('GET', `/apis/${spec.group}/${spec.versions[0]?.name}`);
      return (
        conditions.some((c) => c.type === 'Established' && c.status === 'True') && discovery.status === 200
      );
    },
    `CRD ${name} Established and served`,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

export { CRDS_PATH };
