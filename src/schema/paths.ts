import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project root, found from this module's location (not the working directory) so the CLI
 * works from anywhere: the nearest ancestor holding a package.json.
 */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (no package.json above src/schema)');
    dir = parent;
  }
  return dir;
}

/** Upstream CRDs: `../shared/schemas` beside the project, unless SWITCHYARD_SCHEMAS_DIR says otherwise. */
export function upstreamSchemasDir(root = projectRoot()): string {
  const override = process.env.SWITCHYARD_SCHEMAS_DIR;
  return override ? resolve(override) : resolve(root, '..', 'shared', 'schemas');
}

/** Where parsed schemas are cached as JSON; `.cache/` is git-ignored. */
export function schemaCacheDir(root = projectRoot()): string {
  return process.env.SWITCHYARD_SCHEMA_CACHE_DIR ?? join(root, '.cache', 'schemas');
}
