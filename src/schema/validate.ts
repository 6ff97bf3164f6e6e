import { compileSchemaVersion, structuralProblems } from './ajv-validator.js';
import type { SchemaCatalog } from './catalog.js';
import { celRuleProblems, compileCelRules, hasCelRules } from './cel-rules.js';
import { applyDefaults } from './defaults.js';
import { listTypeProblems } from './list-types.js';
import { objectMetaProblems } from './object-meta.js';
import { isPlainObject } from './openapi.js';
import { parseYamlDocuments, YamlSyntaxError } from './yaml-cache.js';

/**
 * Validates Kubernetes objects the way the apiserver would accept them on create (or, given the
 * old object, on update), but stricter in one respect: unknown fields are problems instead of
 * being pruned. Deprecated apiVersions are problems too (see docs/adr/0001-validator.md).
 */

/** One thing wrong with one document. `path` is a field path such as `spec.forProvider.engine`. */
export interface Problem {
  file: string;
  /** Position of the document in its file, counting from 0. */
  documentIndex: number;
  kind: string;
  name: string;
  path: string;
  message: string;
}

/** `file:doc kind/name path: message`, leaving out the parts a problem does not have. */
export function formatProblem(problem: Problem): string {
  const object = problem.kind || problem.name ? ` ${problem.kind || '?'}/${problem.name || '?'}` : '';
  const path = problem.path ? ` ${problem.path}` : '';
  return `${problem.file}:${problem.documentIndex}${object}${path}: ${problem.message}`;
}

export interface ObjectProblem {
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** The stored object, for update validation: transition rules (`oldSelf`) run only then. */
  oldObject?: unknown;
}

export function validateObject(
  catalog: SchemaCatalog,
  object: unknown,
  options: ValidateOptions = {},
): ObjectProblem[] {
  if (!isPlainObject(object))
    return [{ path: '', message: 'not a Kubernetes object (expected a YAML mapping)' }];
  const problems: ObjectProblem[] = [];
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || apiVersion === '')
    problems.push({ path: 'apiVersion', message: 'Required value' });
  if (typeof kind !== 'string' || kind === '') problems.push({ path: 'kind', message: 'Required value' });
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || problems.length > 0) return problems;

  const found = catalog.lookup(apiVersion, kind);
  if (!found.ok) return [{ path: '', message: found.reason }];
  const version = found.version;
  if (version.deprecated) {
    const warning = version.deprecationWarning ?? `${apiVersion} ${kind} is deprecated`;
    problems.push({ path: 'apiVersion', message: `deprecated apiVersion "${apiVersion}": ${warning}` });
  }

  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  if (!nonEmptyString(metadata.name) && !nonEmptyString(metadata.generateName)) {
    problems.push({ path: 'metadata.name', message: 'Required value: name or generateName is required' });
  }
  if (version.scope === 'Cluster' && nonEmptyString(metadata.namespace)) {
    problems.push({
      path: 'metadata.namespace',
      message: `Forbidden: ${kind} is cluster-scoped and cannot have a namespace`,
    });
  }

  const defaulted = applyDefaults(object, version.schema);
  const structural = structuralProblems(defaulted, version);
  for (const { path, message } of structural) problems.push({ path, message });
  problems.push(...objectMetaProblems(metadata, 'metadata', version.nameRule));
  problems.push(...listTypeProblems(defaulted, version.schema));
  // Like the apiserver: CEL rules only run on an object whose values have their declared types,
  // required fields and bounded sizes.
  if (structural.some((problem) => problem.blocksRules)) {
    if (hasCelRules(version.schema)) problems.push({ path: '', message: RULES_NOT_CHECKED });
    return problems;
  }
  const old = options.oldObject === undefined ? undefined : applyDefaults(options.oldObject, version.schema);
  problems.push(...celRuleProblems(defaulted, version.schema, old));
  return problems;
}

/** The apiserver's wording when type/enum errors stop it from running CEL rules. */
export const RULES_NOT_CHECKED =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Every document of a YAML text; a text that is not YAML or holds no object is one problem. */
export function validateYamlText(catalog: SchemaCatalog, text: string, file: string): ValidationReport {
  const report: ValidationReport = { documents: 0, invalidDocuments: 0, problems: [] };
  let documents: unknown[];
  try {
    documents = parseYamlDocuments('', text, { keepEmpty: true });
  } catch (error) {
    if (!(error instanceof YamlSyntaxError)) throw error;
    const { message, documentIndex } = error;
    report.documents = 1;
    report.invalidDocuments = 1;
    report.problems.push({ file, documentIndex, kind: '', name: '', path: '', message });
    return report;
  }
  documents.forEach((document, documentIndex) => {
    if (document === null || document === undefined) return;
    report.documents++;
    const problems = validateObject(catalog, document);
    if (problems.length === 0) return;
    report.invalidDocuments++;
    const { kind, name } = identify(document);
    for (const problem of problems) report.problems.push({ file, documentIndex, kind, name, ...problem });
  });
  if (report.documents === 0) {
    report.documents = 1;
    report.invalidDocuments = 1;
    report.problems.push({
      file,
      documentIndex: 0,
      kind: '',
      name: '',
      path: '',
      message: 'no YAML documents (empty file)',
    });
  }
  return report;
}

export interface ValidationReport {
  documents: number;
  invalidDocuments: number;
  problems: Problem[];
}

function identify(document: unknown): { kind: string; name: string } {
  if (!isPlainObject(document)) return { kind: '', name: '' };
  const metadata = isPlainObject(document.metadata) ? document.metadata : {};
  const name = nonEmptyString(metadata.name)
    ? metadata.name
    : nonEmptyString(metadata.generateName)
      ? `${metadata.generateName}*`
      : '';
  return { kind: typeof document.kind === 'string' ? document.kind : '', name };
}

/**
 * Compiles the structural checks and CEL rules of every served version in the catalog (the bench
 * measures this; normal runs compile lazily, per node, on first use).
 */
export function compileAll(catalog: SchemaCatalog): {
  versions: number;
  schemaNodes: number;
  celRules: number;
} {
  const versions = catalog.allVersions().filter((version) => version.served);
  let schemaNodes = 0;
  let celRules = 0;
  for (const version of versions) {
    schemaNodes += compileSchemaVersion(version);
    celRules += compileCelRules(version.schema);
  }
  return { versions: versions.length, schemaNodes, celRules };
}
