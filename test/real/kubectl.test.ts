import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Kubectl } from '../support/kubectl.js';
import { celRulesOf, installCrds, readCrds } from './support/crds.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot } from './support/paths.js';

/**
 * Real kubectl (the machine's dispatcher picks a bundled kubectl 1.27-1.33) against the full
 * kube-apiserver as its admin, without --validate=false: client-side validation reads the server's
 * /openapi/v3. It keeps what the shared suites, which also run on this platform, do not cover:
 * apply, get, watch, wait, status writes, server-side apply and delete are in
 * test/wire/kube/kubectl.suite.ts and api.suite.ts (run by test/real/kube-wire.test.ts), the
 * allowDataLoss refusal of a Switchover in test/controller/scenarios/failover-wire.suite.ts (run by
 * test/real/controller-failover.test.ts).
 */

const examples = join(repoRoot, 'examples/failover');
const failoverFile = join(examples, 'failover-switchover.yaml');
const failover = parseYaml(readFileSync(failoverFile, 'utf8')) as {
  metadata: { name: string; namespace: string };
};
const namespace = failover.metadata.namespace;

const platform = startedForFile(
  async () => {
    const server = await startKubeApiserver();
    try {
      await installCrds(
        server,
        readCrds(join(repoRoot, 'charts/switchyard/crds')).map(({ crd }) => crd),
      );
      // NamespaceLifecycle: the examples' namespace must exist before anything is applied into it.
      const created = await server.request('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
      if (created.status !== 201) throw new Error(`namespace ${namespace}: HTTP ${created.status}`);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return { server, kubectl: new Kubectl(server.kubeconfig) };
  },
  async ({ server, kubectl }) => {
    kubectl.dispose();
    await server.stop();
  },
);
showLogsOnFailure(() => [platform.peek()?.server.process]);

const k = (): Kubectl => platform.get().kubectl;

describe('kubectl against the real apiserver', () => {
  it('reports the server version the apiserver library comes from', async () => {
    const out = await k().ok(['version', '-o', 'json']);
    const version = JSON.parse(out) as { serverVersion: { gitVersion: string; minor: string } };
    expect(version.serverVersion.minor).toBe('36');
  });

  it('refuses a type Failover without consent to data loss (CEL rule on spec)', async () => {
    const rule = "self.type != 'Failover' || self.allowDataLoss";
    const message = celRulesOf(join(repoRoot, 'charts/switchyard/crds'), 'Failover').find(
      (r) => r.rule === rule,
    )?.message;
    if (!message) throw new Error(`the Failover CRD has no rule ${rule}`);
    const unconsented = readFileSync(failoverFile, 'utf8')
      .replace(`name: ${failover.metadata.name}`, 'name: unconsented-failover')
      .replace('  type: Switchover', '  type: Failover');
    const refused = await k().run(['apply', '-f', '-'], { stdin: unconsented });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.allowDataLoss');
    expect(refused.stderr).toContain(message);
    const listed = await k().ok(['get', 'failovers', '-n', namespace, '-o', 'name']);
    expect(listed).not.toContain('unconsented-failover');
  });
});
