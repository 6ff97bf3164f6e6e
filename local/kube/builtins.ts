import { builtinResourceTypes } from './builtin-api.js';
import type { ResourceType } from './resource-type.js';

/**
 * The built-in kinds: every stored kind of Kubernetes' OpenAPI documents (builtin-api.ts), plus
 * CustomResourceDefinition, which keeps its own lifecycle (crd-lifecycle.ts) and no schema.
 */

export const CRD_TYPE: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  statusSubresource: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  printerColumns: [],
  selectableFields: [],
  storageVersion: 'v1',
};

export function builtinTypes(): ResourceType[] {
  return [...builtinResourceTypes(), CRD_TYPE];
}
