import { readFileSync, statSync } from 'node:fs';
import { SchemaCatalog, yamlFilesUnder } from '../schema/catalog.js';
import { formatProblem, type ValidationReport, validateYamlText } from '../schema/validate.js';
import type { Command, CommandIo } from './io.js';

/**
 * `switchyard validate <file-or-dir>…`: every YAML document against the upstream and project
 * schemas. Prints one line per problem and a summary; exit 0 only when every document is valid.
 */

export interface ValidateInputsResult extends ValidationReport {
  files: number;
}

/** Library form: validates files, directories (walked for *.yaml/*.yml) and `-` (the given stdin text). */
export function validateInputs(
  inputs: string[],
  options: { catalog?: SchemaCatalog; stdinText?: string } = {},
): ValidateInputsResult {
  const catalog = options.catalog ?? SchemaCatalog.load();
  const result: ValidateInputsResult = { files: 0, documents: 0, invalidDocuments: 0, problems: [] };
  const addReport = (report: ValidationReport) => {
    result.files++;
    result.documents += report.documents;
    result.invalidDocuments += report.invalidDocuments;
    result.problems.push(...report.problems);
  };
  const fileProblem = (file: string, message: string) =>
    addReport({
      documents: 1,
      invalidDocuments: 1,
      problems: [{ file, documentIndex: 0, kind: '', name: '', path: '', message }],
    });
  for (const input of inputs) {
    if (input === '-') {
      addReport(validateYamlText(catalog, options.stdinText ?? '', '<stdin>'));
      continue;
    }
    let files: string[];
    try {
      files = statSync(input).isDirectory() ? yamlFilesUnder(input) : [input];
    } catch {
      fileProblem(input, 'no such file or directory');
      continue;
    }
    if (files.length === 0) fileProblem(input, 'directory holds no *.yaml or *.yml files');
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        fileProblem(file, `cannot read: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      addReport(validateYamlText(catalog, text, file));
    }
  }
  return result;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export const command: Command = {
  summary: 'Validate Kubernetes manifests against the upstream CRDs and Switchyard CRDs/XRDs',
  usage:
    'switchyard validate <file-or-dir|->…\n\n' +
    'Directories are walked for *.yaml/*.yml; `-` reads standard input. Problems print as\n' +
    '`file:doc kind/name path: message` (doc counts from 0). Exit 0 only when every document is valid.\n' +
    'Upstream schemas: SWITCHYARD_SCHEMAS_DIR, default ../shared/schemas beside the project.',
  async run(args: string[], io: CommandIo): Promise<number> {
    if (args.length === 0) {
      io.stderr.write(`usage: ${this.usage.split('\n')[0]}\n`);
      return 2;
    }
    let catalog: SchemaCatalog;
    try {
      catalog = SchemaCatalog.load();
    } catch (error) {
      io.stderr.write(`switchyard validate: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    const stdinText = args.includes('-') ? await readAll(io.stdin) : undefined;
    const result = validateInputs(args, { catalog, ...(stdinText === undefined ? {} : { stdinText }) });
    for (const problem of result.problems) io.stdout.write(`${formatProblem(problem)}\n`);
    const documents = `${result.documents} document${result.documents === 1 ? '' : 's'}`;
    io.stdout.write(`${documents}, ${result.invalidDocuments} invalid\n`);
    return result.invalidDocuments === 0 ? 0 : 1;
  },
};
