import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Every CustomResourceDefinition document in the YAML files of a directory. */
export function readCrdDocuments(dir: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    for (const document of parseAllDocuments(readFileSync(join(dir, name), 'utf8'))) {
      const value: unknown = document.toJS();
      if (
        typeof value === 'object' &&
        value !== null &&
        (value as { kind?: unknown }).kind === 'CustomResourceDefinition'
      ) {
        found.push(value as Record<string, unknown>);
      }
    }
  }
  return found;
}
