import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { projectRoot } from './paths.js';

/**
 * Upstream CRDs the stored schemas (../shared/schemas) lack, listed once in
 * tools/real/upstream-crds.json: `npm run real:setup` fetches them, checked against their git blob
 * hash, into `.cache/real/crds`, and the catalog reads them from there when they are present.
 * Nothing of them is copied into the repository.
 */

export interface FetchedCrd {
  repository: string;
  tag: string;
  /** Path in the upstream repository, `package/crds/<group>_<plural>.yaml`. */
  path: string;
  group: string;
  plural: string;
  /** Where real:setup puts it. */
  file: string;
  present: boolean;
}

interface ListEntry {
  repository: string;
  tag: string;
  path: string;
}

export const UPSTREAM_CRDS_LIST = join('tools', 'real', 'upstream-crds.json');

/** `.cache/real/crds`, or `$SWITCHYARD_REAL_CACHE/crds` (the same override as tools/real/setup.sh). */
export function fetchedCrdsDir(root = projectRoot()): string {
  return join(process.env.SWITCHYARD_REAL_CACHE ?? join(root, '.cache', 'real'), 'crds');
}

/** The listed CRDs (the list is this code's, whatever root), and whether each is in `dir`. */
export function fetchedCrds(dir = fetchedCrdsDir()): FetchedCrd[] {
  const list = JSON.parse(readFileSync(join(projectRoot(), UPSTREAM_CRDS_LIST), 'utf8')) as {
    crds: ListEntry[];
  };
  return list.crds.map(({ repository, tag, path }) => {
    const name = basename(path);
    const [group = '', plural = ''] = name.replace(/\.ya?ml$/, '').split('_');
    const file = join(dir, name);
    return { repository, tag, path, group, plural, file, present: existsSync(file) };
  });
}

/** controller-gen's plural of a kind, as the CRD file names use it: `Policy` → `policies`. */
export function kindPlural(kind: string): string {
  const lower = kind.toLowerCase();
  return /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : `${lower}s`;
}

/** Why a listed CRD cannot be read, and how to get it. */
export const notFetchedReason = (crd: FetchedCrd) =>
  `the ${crd.plural}.${crd.group} CRD is not among the stored schemas (../shared/schemas); ` +
  `\`npm run real:setup\` fetches ${crd.repository}@${crd.tag}:${crd.path} into ${crd.file}`;
