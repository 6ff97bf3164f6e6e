/**
 * One commit of the environments repository, read and checked whole before anything is applied:
 * the Application (found by name or by region), then every manifest of its folder, validated by
 * the project's validator (`switchyard validate`) plus the rules only the stand-in has (waves,
 * sync options it implements, no hooks, no duplicates). A commit with one problem is refused with
 * every problem named by file, document and field; nothing of it is applied.
 */
import { posix } from 'node:path';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { isPlainObject } from '../../src/schema/openapi.js';
import { type Problem, validateYamlText } from '../../src/schema/validate.js';
import { parseYamlDocuments, YamlSyntaxError } from '../../src/schema/yaml-cache.js';
import {
  type ApplicationRules,
  RESOURCE_COMPARE_OPTIONS,
  RESOURCE_SYNC_OPTIONS,
  readApplication,
} from './application.js';
import {
  APPLICATION_KIND,
  ARGO_API_VERSION,
  COMPARE_OPTIONS_ANNOTATION,
  HOOK_ANNOTATIONS,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from './argocd-names.js';
import type { GitRepo } from './repo.js';
import {
  annotationOptions,
  annotationsOf,
  describeKey,
  type KubeObject,
  keyOf,
  keyString,
  WAVE_PATTERN,
} from './resource-key.js';

export type { Problem } from '../../src/schema/validate.js';

/** Which Application to follow: by name, or the one whose folder is named after the region. */
export type ApplicationSelector = { name: string } | { region: string };

export interface Manifest {
  object: KubeObject;
  file: string;
  documentIndex: number;
}

/** An accepted commit: what the cluster should hold, and the rules to sync it by. */
export interface DesiredState {
  revision: string;
  application: ApplicationRules;
  /** Where the Application object is, for messages. */
  applicationFile: string;
  manifests: Manifest[];
}

export type CommitReading =
  | { ok: true; desired: DesiredState }
  | { ok: false; revision: string; problems: Problem[] };

/** Manifest files of a directory source (repository.go manifestFile), less jsonnet. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;
/** Files that make Argo CD render the folder with a tool the stand-in does not have. */
const OTHER_SOURCE_TYPES = [/(^|\/)kustomization\.ya?ml$/, /(^|\/)Kustomization$/, /(^|\/)Chart\.yaml$/];
/** A file holding this marker is left out, as Argo CD's repo server does. */
const SKIP_FILE_MARKER = '+argocd:skip-file-rendering';

const problem = (file: string, message: string, at: Partial<Problem> = {}): Problem => ({
  file,
  documentIndex: 0,
  kind: '',
  name: '',
  path: '',
  message,
  ...at,
});

export async function readCommit(
  repo: GitRepo,
  revision: string,
  selector: ApplicationSelector,
  branch: string,
): Promise<CommitReading> {
  const refuse = (problems: Problem[]): CommitReading => ({ ok: false, revision, problems });
  const found = await findApplication(repo, revision, selector);
  if ('problem' in found) return refuse([found.problem]);
  const { manifest: app } = found;
  const at = { documentIndex: app.documentIndex, kind: APPLICATION_KIND, name: keyOf(app.object).name };
  const reading = readApplication(app.object);
  if (!reading.ok)
    return refuse(
      reading.issues.map((issue) => problem(app.file, issue.message, { ...at, path: issue.path })),
    );
  const rules = reading.rules;
  if (![branch, `refs/heads/${branch}`, 'HEAD'].includes(rules.targetRevision))
    return refuse([
      problem(
        app.file,
        `follows "${rules.targetRevision}", but the stand-in was told to follow branch "${branch}"`,
        {
          ...at,
          path: 'spec.source.targetRevision',
        },
      ),
    ]);
  if (!(await repo.hasFolder(revision, rules.path)))
    return refuse([
      problem(app.file, `app path does not exist: ${rules.path}`, { ...at, path: 'spec.source.path' }),
    ]);

  const files = await repo.files(revision, rules.path, rules.recurse);
  const otherSource = (file: string) =>
    OTHER_SOURCE_TYPES.some((pattern) => pattern.test(posix.relative(rules.path, file)));
  const folderProblems = [
    ...files
      .filter(otherSource)
      .map((file) =>
        problem(
          file,
          'Kustomize and Helm sources are not implemented by the stand-in (plain manifests only)',
        ),
      ),
    ...files
      .filter((file) => file.endsWith('.jsonnet'))
      .map((file) => problem(file, 'jsonnet is not implemented by the stand-in (plain manifests only)')),
  ];
  const manifestFiles = files.filter((file) => MANIFEST_FILE.test(file) && !otherSource(file));
  const texts = (await Promise.all(manifestFiles.map((file) => repo.read(revision, file)))).filter(
    (file) => !file.text.includes(SKIP_FILE_MARKER),
  );
  const parsed = texts.map((file) => ({ ...file, documents: safeDocuments(file.path, file.text) }));

  const catalog = SchemaCatalog.load();
  // CRDs and XRDs of the same commit define the kinds its custom resources are checked against.
  catalog.addDefinitions(
    parsed.flatMap((file) => file.documents),
    'the synced folder',
  );
  const problems = [...folderProblems];
  const manifests: Manifest[] = [];
  for (const file of parsed) {
    problems.push(...validateYamlText(catalog, file.text, file.path).problems);
    if (file.path.endsWith('.json') && file.documents.filter(Boolean).length > 1)
      problems.push(
        problem(
          file.path,
          'Found multiple objects in a JSON file. Only single objects are allowed in JSON files.',
        ),
      );
    file.documents.forEach((document, documentIndex) => {
      if (isPlainObject(document)) manifests.push({ object: document, file: file.path, documentIndex });
    });
  }
  problems.push(...manifests.flatMap(standInProblems), ...duplicateProblems(manifests));
  if (problems.length > 0) return refuse(problems);
  return { ok: true, desired: { revision, application: rules, applicationFile: app.file, manifests } };
}

/** The documents of a file, or none when it is not YAML (the validator reports that file). */
function safeDocuments(file: string, text: string): unknown[] {
  try {
    return parseYamlDocuments(file, text, { keepEmpty: true });
  } catch (error) {
    if (error instanceof YamlSyntaxError) return [];
    throw error;
  }
}

/** Every Application object in the commit's manifest files; files that do not parse are skipped here. */
async function findApplication(
  repo: GitRepo,
  revision: string,
  selector: ApplicationSelector,
): Promise<{ manifest: Manifest } | { problem: Problem }> {
  const files = (await repo.files(revision, '', true)).filter((file) => MANIFEST_FILE.test(file));
  const applications: Manifest[] = [];
  for (const file of files) {
    const { text } = await repo.read(revision, file);
    if (!text.includes(APPLICATION_KIND)) continue;
    safeDocuments(file, text).forEach((object, documentIndex) => {
      if (isPlainObject(object) && object.apiVersion === ARGO_API_VERSION && object.kind === APPLICATION_KIND)
        applications.push({ object, file, documentIndex });
    });
  }
  const matches = applications.filter((app) => selects(app.object, selector));
  const wanted =
    'name' in selector ? `Application "${selector.name}"` : `an Application for region ${selector.region}`;
  if (matches.length === 1 && matches[0]) return { manifest: matches[0] };
  if (matches.length === 0) {
    const known = applications.map((app) => keyOf(app.object).name).join(', ') || 'none';
    return {
      problem: problem(
        '',
        `${wanted} is not in commit ${revision.slice(0, 12)} (Applications found: ${known})`,
      ),
    };
  }
  const where = matches.map((app) => `${app.file}:${app.documentIndex}`).join(', ');
  return { problem: problem('', `${wanted} is defined more than once: ${where}`) };
}

/** By name; by region, the Application whose source folder is named after the region (`clusters/<region>`). */
function selects(object: KubeObject, selector: ApplicationSelector): boolean {
  if ('name' in selector) return keyOf(object).name === selector.name;
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const source = isPlainObject(spec.source) ? spec.source : {};
  return (
    typeof source.path === 'string' && posix.basename(source.path.replace(/\/+$/, '')) === selector.region
  );
}

/** The per-object rules only the stand-in checks: what Argo CD would silently ignore or do differently. */
function standInProblems({ object, file, documentIndex }: Manifest): Problem[] {
  const { kind, name } = keyOf(object);
  const at = (path: string, message: string) => problem(file, message, { documentIndex, kind, name, path });
  const annotation = (key: string) => `metadata.annotations["${key}"]`;
  const annotations = annotationsOf(object);
  const found: Problem[] = [];
  const wave = annotations[SYNC_WAVE_ANNOTATION];
  if (wave !== undefined && !WAVE_PATTERN.test(wave))
    found.push(
      at(
        annotation(SYNC_WAVE_ANNOTATION),
        `must be an integer, got "${wave}" (Argo CD would silently use wave 0)`,
      ),
    );
  const unknownOptions = (key: string, supported: readonly string[]) => {
    for (const option of annotationOptions(object, key).filter((value) => !supported.includes(value)))
      found.push(
        at(
          annotation(key),
          `"${option}" is not implemented by the stand-in (it implements ${supported.join(', ')})`,
        ),
      );
  };
  unknownOptions(SYNC_OPTIONS_ANNOTATION, RESOURCE_SYNC_OPTIONS);
  unknownOptions(COMPARE_OPTIONS_ANNOTATION, RESOURCE_COMPARE_OPTIONS);
  for (const hook of HOOK_ANNOTATIONS.filter((key) => key in annotations))
    found.push(at(annotation(hook), 'resource hooks are not implemented by the stand-in'));
  return found;
}

/** Argo CD keeps the last of two objects with the same key (RepeatedResourceWarning); the stand-in refuses both. */
function duplicateProblems(manifests: readonly Manifest[]): Problem[] {
  const seen = new Map<string, Manifest>();
  const found: Problem[] = [];
  for (const manifest of manifests) {
    const key = keyOf(manifest.object);
    const first = seen.get(keyString(key));
    if (first)
      found.push(
        problem(
          manifest.file,
          `${describeKey(key)} is also defined in ${first.file}:${first.documentIndex}`,
          {
            documentIndex: manifest.documentIndex,
            kind: key.kind,
            name: key.name,
          },
        ),
      );
    else seen.set(keyString(key), manifest);
  }
  return found;
}
