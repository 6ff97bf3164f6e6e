import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type CommandOptions, type CommandResult, runCommand } from '../../support/command.js';
import { realCache, requireBuilt } from './paths.js';

/** helm v3 built by `npm run real:setup` (tools/real/setup.sh, HELM_MODULE). */
export const helmBin = join(realCache, 'bin/helm');

/**
 * Runs the built helm with its cache, config and data folders in a private temp dir, so neither
 * the developer's ~/.config/helm nor repositories added there change what a test sees.
 */
export class Helm {
  private readonly home = mkdtempSync(join(tmpdir(), 'switchyard-helm-'));

  run(args: string[], options: CommandOptions = {}): Promise<CommandResult> {
    requireBuilt(helmBin);
    return runCommand(helmBin, args, {
      timeoutMs: 60_000,
      ...options,
      env: {
        HOME: this.home,
        HELM_CACHE_HOME: join(this.home, 'cache'),
        HELM_CONFIG_HOME: join(this.home, 'config'),
        HELM_DATA_HOME: join(this.home, 'data'),
        ...options.env,
      },
    });
  }

  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** The documents of a multi-document YAML stream, without empty ones (a template rendered to nothing). */
export function yamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length) throw new Error(`YAML error: ${document.errors.map(String).join('; ')}`);
    const value: unknown = document.toJS({ maxAliasCount: -1 });
    return value === null || value === undefined ? [] : [value];
  });
}
