import type { ResourceType } from './resource-type.js';

/**
 * The built-in kinds the platform needs (issue 5). They are served without deep schemas: any
 * JSON object is accepted apart from the ObjectMeta rules every kind shares.
 */

const BUILTIN_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function builtin(
  fields: Pick<ResourceType, 'group' | 'version' | 'kind' | 'plural' | 'namespaced'> &
    Partial<
      Pick<
        ResourceType,
        | 'shortNames'
        | 'statusSubresource'
        | 'verbs'
        | 'selectableFields'
        | 'microTimeFields'
        | 'tracksGeneration'
      >
    >,
): ResourceType {
  return {
    listKind: `${fields.kind}List`,
    singular: fields.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    statusSubresource: false,
    verbs: BUILTIN_VERBS,
    printerColumns: [],
    selectableFields: [],
    storageVersion: fields.version,
    // Most built-in strategies leave metadata.generation unset; the kinds that set it say so.
    tracksGeneration: false,
    ...fields,
  };
}

export const CRD_TYPE: ResourceType = {
  ...builtin({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    shortNames: ['crd', 'crds'],
    statusSubresource: true,
    tracksGeneration: true,
  }),
  categories: ['api-extensions'],
};

export function builtinTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      namespaced: true,
      shortNames: ['cm'],
    }),
    builtin({ group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      namespaced: true,
      shortNames: ['sa'],
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      namespaced: true,
      shortNames: ['ev'],
      // The field selectors core/v1 Event supports upstream; `kubectl describe` lists events with them.
      selectableFields: [
        '.involvedObject.kind',
        '.involvedObject.namespace',
        '.involvedObject.name',
        '.involvedObject.uid',
        '.involvedObject.apiVersion',
        '.involvedObject.resourceVersion',
        '.involvedObject.fieldPath',
        '.reason',
        '.reportingComponent',
        '.source',
        '.type',
      ],
      microTimeFields: ['eventTime', 'series.lastObservedTime'],
    }),
    builtin({
      group: 'events.k8s.io',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      namespaced: true,
      shortNames: ['ev'],
      microTimeFields: ['eventTime', 'series.lastObservedTime'],
    }),
    builtin({
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      namespaced: true,
      microTimeFields: ['spec.acquireTime', 'spec.renewTime'],
    }),
    // What the published folder of a management cluster holds besides custom resources: the
    // controller's Deployment, Service, PodDisruptionBudget and RBAC (src/gitops/layout.ts). Stored
    // and served only: no controller acts on them (no pods, no authorization).
    builtin({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      namespaced: true,
      shortNames: ['deploy'],
      statusSubresource: true,
      tracksGeneration: true,
    }),
    builtin({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      namespaced: true,
      shortNames: ['svc'],
      statusSubresource: true,
    }),
    builtin({
      group: 'policy',
      version: 'v1',
      kind: 'PodDisruptionBudget',
      plural: 'poddisruptionbudgets',
      namespaced: true,
      shortNames: ['pdb'],
      statusSubresource: true,
      tracksGeneration: true,
    }),
    ...(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'] as const).map((kind) =>
      builtin({
        group: 'rbac.authorization.k8s.io',
        version: 'v1',
        kind,
        plural: `${kind.toLowerCase()}s`,
        namespaced: !kind.startsWith('Cluster'),
      }),
    ),
    CRD_TYPE,
  ];
}
