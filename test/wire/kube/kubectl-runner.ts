import { afterAll, beforeAll } from 'vitest';
import { Kubectl } from '../../support/kubectl.js';
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
  return { k, ok: (args: string[], stdin?: string) => k().ok(args, stdin) };
}
