/**
 * Checks a JSONSchemaProps tree against the rules the apiserver applies to CRD schemas:
 * "structural" (every node typed, no $ref, no additionalProperties beside properties, no
 * logical junctors carrying types) and, optionally, "bounded" (every string/list/map has a size
 * limit, so CEL cost estimation over it stays under the per-rule and per-CRD budgets).
 *
 * The generator runs these on its own output and the tests run them over every generated CRD.
 */
import type { JSONSchemaProps } from './json-schema-props.js';

export interface SchemaProblem {
  /** e.g. `spec.regions.primary`, `status.journal[*].state`, `spec.labels{*}` */
  path: string;
  message: string;
}

const nativeStringFormats = new Set(['date-time', 'date', 'duration']);

export function findStructuralProblems(root: JSONSchemaProps): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(root, '', (node, path) => {
    const report = (message: string) => problems.push({ path: path || '<root>', message });
    const untypedAllowed =
      node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
    if (!node.type && !untypedAllowed) report('has no type');
    if ('$ref' in node) report('uses $ref');
    if (node.properties && node.additionalProperties !== undefined) {
      report('has additionalProperties beside properties');
    }
    if (node.additionalProperties === false) report('has additionalProperties: false');
    for (const junctor of ['anyOf', 'allOf', 'oneOf', 'not'] as const) {
      if (node[junctor] !== undefined) report(`uses ${junctor}`);
    }
    if (node.type && node.enum) {
      for (const value of node.enum) {
        if (!matchesType(value, node.type))
          report(`enum value ${JSON.stringify(value)} is not a ${node.type}`);
      }
    }
    if (node['x-kubernetes-list-type'] === 'map') {
      const keys = node['x-kubernetes-list-map-keys'] ?? [];
      if (!keys.length) report('list-type map without x-kubernetes-list-map-keys');
      for (const key of keys) {
        const keySchema = node.items?.properties?.[key];
        if (!keySchema) report(`list-map key "${key}" is not a property of the items`);
        else if (!node.items?.required?.includes(key) && keySchema.default === undefined) {
          report(`list-map key "${key}" must be required or defaulted`);
        }
      }
    }
  });
  return problems;
}

export function findUnboundedValues(root: JSONSchemaProps): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  walk(root, '', (node, path) => {
    const report = (message: string) => problems.push({ path: path || '<root>', message });
    if (
      node.type === 'string' &&
      node.maxLength === undefined &&
      !node.enum &&
      !nativeStringFormats.has(node.format ?? '')
    ) {
      report('string has no maxLength (CEL cost estimation needs a bound)');
    }
    if (node.type === 'array' && node.maxItems === undefined) report('array has no maxItems');
    if (typeof node.additionalProperties === 'object' && node.maxProperties === undefined) {
      report('map has no maxProperties');
    }
  });
  return problems;
}

function matchesType(value: unknown, type: NonNullable<JSONSchemaProps['type']>): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

/** Visits every schema node, depth first, with a readable path. */
export function walk(
  node: JSONSchemaProps,
  path: string,
  visit: (node: JSONSchemaProps, path: string) => void,
): void {
  visit(node, path);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    walk(child, path ? `${path}.${name}` : name, visit);
  }
  if (node.items) walk(node.items, `${path}[*]`, visit);
  if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}{*}`, visit);
  for (const junctor of ['anyOf', 'allOf', 'oneOf'] as const) {
    node[junctor]?.forEach((branch, index) => {
      walk(branch, `${path}<${junctor}${index}>`, visit);
    });
  }
  if (node.not) walk(node.not, `${path}<not>`, visit);
}
