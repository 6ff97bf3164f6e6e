import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import {
  CompositionSet,
  type KubeObject,
  RenderError,
  renderTree,
} from '../../local/crossplane/render/index.js';
import { isKubeObject } from '../../local/crossplane/render/objects.js';
import { SchemaCatalog, yamlFilesUnder } from '../schema/catalog.js';
import { applyDefaults } from '../schema/defaults.js';
import { projectRoot } from '../schema/paths.js';
import { formatProblem, type Problem, RULES_NOT_CHECKED, validateYamlText } from '../schema/validate.js';
import { parseYamlDocuments, YamlSyntaxError } from '../schema/yaml-cache.js';
import type { Command } from './io.js';

/**
 * `switchyard render <xr.yaml> [--observed <file>] [--recursive]`: the in-repo
 * function-patch-and-transform renderer over the committed compositions/, printing the XR (whole,
 * with the status the pipeline wants, like crank's --include-full-xr) and the composed resources.
 */

export interface RenderFilesOptions {
  xrFile: string;
  observedFile?: string;
  recursive?: boolean;
  compositionsDir?: string;
  catalog?: SchemaCatalog;
}

function readObjects(file: string): KubeObject[] {
  return parseYamlDocuments(file, readFileSync(file, 'utf8')).filter(isKubeObject);
}

/**
 * The XR is not one its XRD accepts: `switchyard validate`'s problem lines. Rendering it would
 * print resources no apiserver would ever let Crossplane compose.
 */
export class XrInputError extends Error {
  override name = 'XrInputError';
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/**
 * The XR file's problems as `switchyard validate` reports them, without the apiserver's note that
 * some rules were not run: it names no field, and the next run reports what the rules find.
 */
function xrProblems(catalog: SchemaCatalog, file: string, text: string): Problem[] {
  const { problems } = validateYamlText(catalog, text, file);
  return problems.filter((problem) => problem.message !== RULES_NOT_CHECKED);
}

/** Loads the committed XRDs and Compositions (every YAML file under the folder). */
export function loadCompositionSet(dir = join(projectRoot(), 'compositions')): CompositionSet {
  return CompositionSet.fromDocuments(
    yamlFilesUnder(dir).flatMap((file) => parseYamlDocuments(file, readFileSync(file, 'utf8'))),
  );
}

/** Defaults from the XR's CRD as the catalog derives it from the XRD (the apiserver's job). */
export function schemaDefaulter(catalog: SchemaCatalog): (xr: KubeObject) => KubeObject {
  return (xr) => {
    const found = catalog.lookup(xr.apiVersion, xr.kind);
    return found.ok ? (applyDefaults(xr, found.version.schema) as KubeObject) : xr;
  };
}

/**
 * Library form: the documents `switchyard render` prints, root XR first. An XR its XRD refuses is
 * an XrInputError, before anything is rendered.
 */
export function renderFiles(options: RenderFilesOptions): { documents: KubeObject[]; warnings: string[] } {
  const text = readFileSync(options.xrFile, 'utf8');
  const [xr, ...extra] = parseYamlDocuments(options.xrFile, text).filter(isKubeObject);
  if (!xr) throw new RenderError(`${options.xrFile}: no Kubernetes object`);
  if (extra.length)
    throw new RenderError(`${options.xrFile}: expected one XR, found ${extra.length + 1} objects`);
  const catalog = options.catalog ?? SchemaCatalog.load();
  const problems = xrProblems(catalog, options.xrFile, text);
  if (problems.length) throw new XrInputError(problems);
  const tree = renderTree(xr, {
    compositions: loadCompositionSet(options.compositionsDir),
    applyDefaults: schemaDefaulter(catalog),
    observed: options.observedFile ? readObjects(options.observedFile) : [],
    recursive: options.recursive ?? false,
  });
  const rootStatus = tree.composites[0]?.status ?? {};
  const fullXr: KubeObject = { ...xr, status: { ...xr.status, ...rootStatus } };
  return { documents: [fullXr, ...tree.resources], warnings: tree.warnings };
}

export const command: Command = {
  summary:
    'Render an estate XR through its Composition (patch-and-transform) and print the composed resources',
  usage:
    'switchyard render <xr.yaml> [--observed <file>] [--recursive]\n\n' +
    'The XR is first checked against its XRD like `switchyard validate` (problems on stderr, exit 1).\n' +
    'Uses the committed compositions/. --observed: composed resources as a provider reports them\n' +
    '(matched by crossplane.io/composition-resource-name); --recursive: render composed XRs down to MRs.',
  async run(args, io) {
    let xrFile: string | undefined;
    let observedFile: string | undefined;
    let recursive = false;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === '--recursive' || arg === '-r') recursive = true;
      else if (arg === '--observed') observedFile = args[++i];
      else if (arg.startsWith('--observed=')) observedFile = arg.slice('--observed='.length);
      else if (arg.startsWith('-') || xrFile) {
        io.stderr.write(
          `switchyard render: unexpected argument ${arg}\nusage: ${this.usage.split('\n')[0]}\n`,
        );
        return 2;
      } else xrFile = arg;
    }
    if (!xrFile || (args.includes('--observed') && !observedFile)) {
      io.stderr.write(`usage: ${this.usage.split('\n')[0]}\n`);
      return 2;
    }
    try {
      const { documents, warnings } = renderFiles({
        xrFile,
        recursive,
        ...(observedFile ? { observedFile } : {}),
      });
      for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
      io.stdout.write(documents.map((document) => `---\n${stringify(document)}`).join(''));
      return 0;
    } catch (error) {
      if (error instanceof XrInputError) {
        for (const problem of error.problems)
          io.stderr.write(`switchyard render: ${formatProblem(problem)}\n`);
        return 1;
      }
      if (
        error instanceof RenderError ||
        error instanceof YamlSyntaxError ||
        (error as NodeJS.ErrnoException).code === 'ENOENT'
      ) {
        io.stderr.write(`switchyard render: ${(error as Error).message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
