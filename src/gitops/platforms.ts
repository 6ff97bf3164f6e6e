/**
 * The TradingPlatform XR a publish starts from: the one TradingPlatform document among the given
 * files and folders (other documents, such as the per-API examples beside it, are not platforms).
 */
import { readFileSync, statSync } from 'node:fs';
import { ESTATE_API_VERSION } from '../estate/common/parameters.js';
import { tradingPlatformDefinition } from '../estate/trading-platform/definition.js';
import { yamlFilesUnder } from '../schema/catalog.js';
import { parseYamlDocuments } from '../schema/yaml-cache.js';
import { PublishError } from './repository.js';

const KIND = tradingPlatformDefinition.spec.names.kind;

const isPlatform = (document: unknown) => {
  const object = document as { apiVersion?: unknown; kind?: unknown } | null;
  return object?.apiVersion === ESTATE_API_VERSION && object?.kind === KIND;
};

const nameOf = (document: unknown) =>
  String((document as { metadata?: { name?: unknown } }).metadata?.name ?? '?');

/** The platform XR and the file it came from; none, or more than one, is an error naming where they are. */
export function readPlatformXr(inputs: readonly string[]): { file: string; xr: unknown } {
  const found: { file: string; xr: unknown }[] = [];
  for (const input of inputs) {
    let files: string[];
    try {
      files = statSync(input).isDirectory() ? yamlFilesUnder(input) : [input];
    } catch {
      throw new PublishError(`${input}: no such file or directory`);
    }
    for (const file of files) {
      const documents = parseYamlDocuments(file, readFileSync(file, 'utf8'));
      for (const xr of documents.filter(isPlatform)) found.push({ file, xr });
    }
  }
  const [first, ...others] = found;
  if (!first) throw new PublishError(`no ${KIND} XR (${ESTATE_API_VERSION}) in ${inputs.join(', ')}`);
  if (others.length)
    throw new PublishError(
      `${found.length} ${KIND} XRs (${found.map(({ file, xr }) => `${nameOf(xr)} in ${file}`).join(', ')}): ` +
        'an environments repository holds one platform (docs/adr/0017-environments-repo.md); name its file',
    );
  return first;
}
