import { afterAll, beforeAll, expect } from 'vitest';
import { describeResult } from '../../real/support/command.js';
import { Kubectl } from '../../real/support/kubectl.js';
import type { KubeTarget } from './target.js';

/**
 * The machine's kubectl against a target, set up and disposed with the enclosing suite: `k()` runs
 * it, `ok()` runs it and expects exit code 0, returning stdout.
 */
export function useKubectl(target: () => KubeTarget) {
  let kubectl: Kubectl | undefined;
  beforeAll(() => {
    kubectl = new Kubectl(target().kubeconfig);
  });
  afterAll(() => kubectl?.dispose());
  const k = () => {
    if (!kubectl) throw new Error('kubectl not set up');
    return kubectl;
  };
  const ok = async (args: string[], stdin?: string) => {
    const result = await k().run(args, { stdin });
    expect(result.code, describeResult(result)).toBe(0);
    return result.stdout;
  };
  return { k, ok };
}
