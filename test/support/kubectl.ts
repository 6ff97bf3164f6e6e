import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandOptions, type CommandResult, describeResult, runCommand } from './command.js';

/**
 * Runs the machine's kubectl (Google's dispatcher, which picks a bundled kubectl by the server's
 * /version) against one kubeconfig. HOME and --cache-dir point at a private temp dir so discovery
 * caches never leak between servers or from the developer's ~/.kube.
 */
export class Kubectl {
  private readonly home = mkdtempSync(join(tmpdir(), 'switchyard-kubectl-'));

  constructor(private readonly kubeconfig: string) {}

  run(args: string[], options: CommandOptions = {}): Promise<CommandResult> {
    return runCommand(
      'kubectl',
      [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${join(this.home, 'cache')}`, ...args],
      {
        timeoutMs: 60_000,
        ...options,
        env: { HOME: this.home, KUBECONFIG: this.kubeconfig, ...options.env },
      },
    );
  }

  /** Runs kubectl and returns its stdout; a non-zero exit throws with everything it printed. */
  async ok(args: string[], stdin?: string): Promise<string> {
    const result = await this.run(args, { stdin });
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${describeResult(result)}`);
    return result.stdout;
  }

  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
