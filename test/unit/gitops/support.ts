/**
 * Shared by the gitops tests: local bare repositories driven with the real git, the example
 * platform, and the validator the tests use while `switchyard validate` does not know Kubernetes'
 * built-in kinds (issue 15 item 6, a parallel branch): it validates every document whose kind the
 * catalog knows with the one validator, and lists the built-in documents it could not check, so a
 * test says what went unchecked instead of passing over it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { EXAMPLE_PLATFORM_FILE } from '../../../src/generate/derived-plan.js';
import { groupOf, type KubeObject } from '../../../src/gitops/objects.js';
import type { FileValidator } from '../../../src/gitops/publish.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { type Problem, validateObject } from '../../../src/schema/validate.js';
import { parseYamlDocuments } from '../../../src/schema/yaml-cache.js';

export const root = projectRoot();
export const examplePlatformFile = join(root, EXAMPLE_PLATFORM_FILE);
export const examplePlatform = (): KubeObject & { spec: Record<string, unknown> } =>
  parse(readFileSync(examplePlatformFile, 'utf8'));

/** A fresh temporary folder, removed by `cleanup`. */
export function scratch(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `switchyard-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const IDENTITY = ['-c', 'user.name=test', '-c', 'user.email=test@localhost'];

/** Runs git (synchronously: tests only), returns stdout. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', [...IDENTITY, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A bare repository, as a team's environments repository would be. */
export function bareRepo(parent: string, name = 'environments.git'): string {
  const path = join(parent, name);
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', 'main', path]);
  return path;
}

/** The branch's commits, newest first (empty when the branch does not exist). */
export function commitsOf(bare: string, branch = 'main'): string[] {
  try {
    return git(bare, 'rev-list', `refs/heads/${branch}`).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** `git ls-tree -r --name-only` of the branch. */
export const filesOf = (bare: string, branch = 'main') =>
  git(bare, 'ls-tree', '-r', '--name-only', `refs/heads/${branch}`).split('\n').filter(Boolean);

/** What another person does: clone, commit one file, push. Returns the new commit. */
export function pushFromAnotherClone(bare: string, parent: string, path: string, text: string): string {
  const clone = mkdtempSync(join(parent, 'other-'));
  git(parent, 'clone', '--quiet', bare, clone);
  writeFileSync(join(clone, path), text);
  git(clone, 'add', path);
  git(clone, 'commit', '--quiet', '-m', `another push: ${path}`);
  git(clone, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  return git(clone, 'rev-parse', 'HEAD').trim();
}

/** The example platform with `edit` applied, in a file of its own. */
export function platformFileWith(
  dir: string,
  name: string,
  edit: (xr: ReturnType<typeof examplePlatform>) => void,
) {
  const xr = examplePlatform();
  edit(xr);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(xr));
  return file;
}

/** Kubernetes' own API groups (core, apps, rbac.authorization.k8s.io, …). */
export const isKubernetesGroup = (group: string) =>
  group === '' || !group.includes('.') || group.endsWith('.k8s.io');

export interface KnownKindsValidator {
  validate: FileValidator;
  /** `file kind/name` of built-in documents the catalog has no schema for (not checked). */
  unchecked: string[];
}

/**
 * The one validator on every document whose kind the catalog knows; a Kubernetes built-in it does
 * not know is recorded in `unchecked` rather than reported. Any other unknown kind is a problem.
 */
export function knownKindsValidator(catalog = SchemaCatalog.load()): KnownKindsValidator {
  const unchecked: string[] = [];
  const validate: FileValidator = (file) => {
    const problems: Problem[] = [];
    parseYamlDocuments(file.path, file.text).forEach((document, documentIndex) => {
      const object = document as KubeObject;
      if (isKubernetesGroup(groupOf(object)) && !catalog.lookup(object.apiVersion, object.kind).ok) {
        unchecked.push(`${file.path} ${object.kind}/${object.metadata.name}`);
        return;
      }
      for (const problem of validateObject(catalog, object))
        problems.push({
          file: file.path,
          documentIndex,
          kind: object.kind,
          name: object.metadata.name,
          ...problem,
        });
    });
    return problems;
  };
  return { validate, unchecked };
}

/** Whether `switchyard validate` knows Kubernetes' built-in kinds yet (issue 15 item 6). */
export const validatorKnowsBuiltIns = (catalog = SchemaCatalog.load()) =>
  catalog.lookup('apps/v1', 'Deployment').ok && catalog.lookup('v1', 'Namespace').ok;

export const BUILT_INS_PENDING =
  'switchyard validate does not know Kubernetes built-in kinds yet (issue 15 item 6, branch h15-builtins): ' +
  'the full publish refuses its first Namespace until that lands';
