import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { type DerivedPlan, derivePlan, type PlanOptions } from '../plan/derive.js';
import { PlanInputError } from '../plan/platform.js';
import { SchemaCatalog } from '../schema/catalog.js';
import { formatProblem, validateYamlText } from '../schema/validate.js';
import { parseYamlDocuments, YamlSyntaxError } from '../schema/yaml-cache.js';
import type { Command } from './io.js';

/**
 * `switchyard plan <trading-platform.yaml>`: the FailoverPlan and RegionHealth objects derived
 * from a TradingPlatform XR (src/plan, ADR 0011), validated like `switchyard validate`, on stdout.
 * Bad input is one line naming the field, exit 1, and nothing on stdout.
 */

const USAGE =
  'switchyard plan <trading-platform.yaml> [--account-id <12 digits>] [--namespace <ns>] [--vantage <name>]…';

/** PlanOptions fields as the flags that set them, so an error names what the user typed. */
const FLAG_OF: Record<string, string> = {
  accountId: '--account-id',
  namespace: '--namespace',
  vantages: '--vantage',
};

class PlanCommandError extends Error {}
/** The XR file cannot be read as one object; the message starts with the file. */
class PlanFileError extends Error {}

function parsePlanArgs(args: string[]): { file: string; options: PlanOptions } {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'account-id': { type: 'string' },
      namespace: { type: 'string' },
      vantage: { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw new PlanCommandError(`expected one XR file\nusage: ${USAGE}`);
  return {
    file,
    options: {
      ...(values['account-id'] === undefined ? {} : { accountId: values['account-id'] }),
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
      ...(values.vantage === undefined ? {} : { vantages: values.vantage }),
    },
  };
}

function readXr(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PlanFileError(`${file}: cannot read (no such file?)`);
  }
  const documents = parseYamlDocuments(file, text);
  if (documents.length !== 1)
    throw new PlanFileError(`${file}: expected one TradingPlatform XR, found ${documents.length} documents`);
  return documents[0];
}

/** The YAML stream `plan` prints: the plan, then every RegionHealth. */
export function planYaml({ plan, regionHealths }: DerivedPlan): string {
  return [plan, ...regionHealths].map((object) => `---\n${stringify(object)}`).join('');
}

export const command: Command = {
  summary: 'Derive the FailoverPlan and RegionHealth objects from a TradingPlatform XR (validated YAML)',
  usage: [
    USAGE,
    '',
    '--account-id  AWS account of the ARNs (default: the account of spec.certificateArns; must agree)',
    '--namespace   namespace of the objects (default: the XR’s)',
    '--vantage     a vantage point probing both regions, repeatable (default: cluster-use1, cluster-use2)',
  ].join('\n'),
  async run(args, io) {
    let file: string;
    let options: PlanOptions;
    try {
      ({ file, options } = parsePlanArgs(args));
    } catch (error) {
      io.stderr.write(`switchyard plan: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    let text: string;
    try {
      text = planYaml(derivePlan(readXr(file), options));
    } catch (error) {
      if (error instanceof PlanInputError) {
        io.stderr.write(
          `switchyard plan: ${file}: ${FLAG_OF[error.field] ?? error.field}: ${error.reason}\n`,
        );
        return 1;
      }
      if (error instanceof PlanFileError || error instanceof YamlSyntaxError) {
        io.stderr.write(`switchyard plan: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    // What we print must pass `switchyard validate` (the upstream schemas and our CRDs, with CEL).
    const report = validateYamlText(SchemaCatalog.load(), text, '<plan>');
    if (report.problems.length) {
      for (const problem of report.problems) io.stderr.write(`switchyard plan: ${formatProblem(problem)}\n`);
      return 1;
    }
    io.stdout.write(text);
    return 0;
  },
};
