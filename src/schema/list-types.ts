import type { OpenApiSchema } from './openapi.js';
import { listMapKey, walkSchema } from './schema-walk.js';

/**
 * `x-kubernetes-list-type: set` items must be unique and `map` items unique by their
 * `x-kubernetes-list-map-keys`; the apiserver refuses duplicates with "Duplicate value".
 */
export function listTypeProblems(value: unknown, schema: OpenApiSchema): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  walkSchema(value, undefined, schema, '', (node, nodeSchema, path) => {
    if (!Array.isArray(node)) return;
    const listType = nodeSchema['x-kubernetes-list-type'];
    const mapKeys = nodeSchema['x-kubernetes-list-map-keys'];
    if (listType !== 'set' && !(listType === 'map' && mapKeys?.length)) return;
    const seen = new Set<string>();
    node.forEach((item, index) => {
      const identity = listType === 'set' ? JSON.stringify(item) : listMapKey(item, mapKeys ?? []);
      if (seen.has(identity)) {
        const shown = listType === 'set' ? JSON.stringify(item) : identity;
        problems.push({ path: `${path}[${index}]`, message: `Duplicate value: ${shown}` });
      }
      seen.add(identity);
    });
  });
  return problems;
}
