import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentGroupVersion, KUBERNETES_SCHEMAS_DIR } from '../../src/schema/builtin-kinds.js';
import { kubernetesOpenApi, requireBuilt, sharedSchemas } from './support/paths.js';

/**
 * The Kubernetes OpenAPI v3 documents `switchyard validate` reads for built-in kinds
 * (../shared/schemas/kubernetes, never copied into the repository; docs/adr/0016-builtin-kinds.md)
 * are byte for byte those of the k8s.io/kubernetes module at the version real:setup pins
 * (KUBERNETES_MODULE in tools/real/setup.sh, downloaded from the Go module proxy): same git blob.
 */

const storedDir = join(sharedSchemas, KUBERNETES_SCHEMAS_DIR);
const VERSION_FILE = join(kubernetesOpenApi, 'VERSION');

/** `git hash-object`: the id git gives the file's content. */
function gitBlob(file: string): string {
  const content = readFileSync(file);
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

const documentsIn = (dir: string) =>
  readdirSync(dir)
    .filter((name) => documentGroupVersion(name) !== undefined)
    .sort();

describe("Kubernetes' OpenAPI documents in ../shared/schemas/kubernetes", () => {
  it('are the documents of the pinned k8s.io/kubernetes module, blob for blob', () => {
    requireBuilt(VERSION_FILE);
    const pinned = readFileSync(VERSION_FILE, 'utf8').trim();
    const stored = documentsIn(storedDir);
    expect(stored.length, `no documents in ${storedDir}`).toBeGreaterThan(0);
    const differences = stored.flatMap((name) => {
      const upstream = join(kubernetesOpenApi, name);
      if (!existsSync(upstream)) return [`${name}: not in ${pinned}`];
      const [ours, theirs] = [gitBlob(join(storedDir, name)), gitBlob(upstream)];
      return ours === theirs ? [] : [`${name}: blob ${ours}, ${pinned} has ${theirs}`];
    });
    expect(differences, `refresh ../shared/schemas/kubernetes from ${pinned}`).toEqual([]);
  });
});
