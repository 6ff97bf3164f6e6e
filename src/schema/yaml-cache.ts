import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Parses the YAML documents of a schema file, remembering the result as JSON on disk.
 *
 * Why: the `yaml` parser needs ~2 s for the 10 MB of upstream CRDs, while JSON.parse of the same
 * data takes well under 100 ms. The key is path + size + mtime, so an edited file is re-parsed.
 * Any cache failure (read-only checkout, disk full) falls back to parsing; the cache is an
 * optimisation, never a source of truth.
 */
export function readYamlDocumentsCached(file: string, cacheDir: string | undefined): unknown[] {
  if (!cacheDir) return parseYamlDocuments(file, readFileSync(file, 'utf8'));
  const stat = statSync(file);
  const key = createHash('sha1').update(`${file}\0${stat.size}\0${stat.mtimeMs}`).digest('hex');
  const cacheFile = join(cacheDir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(cacheFile, 'utf8')) as unknown[];
  } catch {
    // Not cached yet (or unreadable): parse and try to store.
  }
  const documents = parseYamlDocuments(file, readFileSync(file, 'utf8'));
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Write then rename so a concurrent reader never sees half a file.
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(documents));
    renameSync(temporary, cacheFile);
  } catch {
    // Caching is best effort.
  }
  return documents;
}

/** A YAML syntax error, with the (0-based) document it occurred in. */
export class YamlSyntaxError extends Error {
  constructor(
    message: string,
    readonly documentIndex: number,
  ) {
    super(message);
    this.name = 'YamlSyntaxError';
  }
}

/**
 * The documents of a YAML text. Empty documents are dropped, or kept as null with `keepEmpty` so
 * indexes match positions in the file. Throws YamlSyntaxError naming the label and document.
 */
export function parseYamlDocuments(
  label: string,
  text: string,
  options: { keepEmpty?: boolean } = {},
): unknown[] {
  const documents: unknown[] = [];
  parseAllDocuments(text).forEach((document, index) => {
    const [error] = document.errors;
    if (error) {
      const where = label ? `${label}: ` : '';
      throw new YamlSyntaxError(
        `${where}invalid YAML in document ${index}: ${(error.message.split('\n')[0] ?? '').replace(/:\s*$/, '')}`,
        index,
      );
    }
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    if (value !== null && value !== undefined) documents.push(value);
    else if (options.keepEmpty) documents.push(null);
  });
  return documents;
}
