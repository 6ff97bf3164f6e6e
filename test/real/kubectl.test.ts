import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { describeResult } from '../support/command.js';
import { Kubectl } from '../support/kubectl.js';
import { sleep } from '../support/wait.js';
import { installCrds, readCrds } from './support/crds.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot } from './support/paths.js';

/**
 * Real kubectl (the machine's dispatcher picks a bundled kubectl 1.27-1.33) against the full
 * kube-apiserver as its admin, without --validate=false: client-side validation reads the server's
 * /openapi/v3.
 */

const examples = join(repoRoot, 'examples/failover');
const planFile = join(examples, 'failover-plan.yaml');
const failoverFile = join(examples, 'failover-switchover.yaml');
const plan = parseYaml(readFileSync(planFile, 'utf8')) as { metadata: { name: string; namespace: string } };
const failover = parseYaml(readFileSync(failoverFile, 'utf8')) as {
  metadata: { name: string; namespace: string };
};
const namespace = plan.metadata.namespace;

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

/**
 * The message of the Failover CRD rule on `fieldPath` whose CEL text contains `ruleText`, read
 * from the generated CRD (its wording may change).
 */
function failoverRuleMessage(fieldPath: string, ruleText: string): string {
  const crd = readCrds(join(repoRoot, 'charts/switchyard/crds')).find(
    ({ crd }) => crd.spec.names.kind === 'Failover',
  );
  const message = findRuleMessage(crd?.crd, fieldPath, ruleText);
  if (!message) throw new Error(`Failover CRD has no rule on ${fieldPath} containing ${ruleText}`);
  return message;
}

function findRuleMessage(node: unknown, fieldPath: string, ruleText: string): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findRuleMessage(item, fieldPath, ruleText);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const record = node as Record<string, unknown>;
  if (
    record.fieldPath === fieldPath &&
    typeof record.rule === 'string' &&
    record.rule.includes(ruleText) &&
    typeof record.message === 'string'
  ) {
    return record.message;
  }
  for (const value of Object.values(record)) {
    const found = findRuleMessage(value, fieldPath, ruleText);
    if (found) return found;
  }
  return undefined;
}

const k = (): Kubectl => platform.get().kubectl;

const ok = (args: string[], stdin?: string) => k().ok(args, stdin);

describe('kubectl against the real apiserver', () => {
  it('reports the server version the apiserver library comes from', async () => {
    const out = await ok(['version', '-o', 'json']);
    const version = JSON.parse(out) as { serverVersion: { gitVersion: string; minor: string } };
    expect(version.serverVersion.minor).toBe('36');
  });

  it('applies a FailoverPlan and a Failover from examples/ (client-side validation on)', async () => {
    expect(await ok(['apply', '-f', planFile])).toContain(
      `failoverplan.failover.switchyard.dev/${plan.metadata.name} created`,
    );
    expect(await ok(['apply', '-f', failoverFile])).toContain(
      `failover.failover.switchyard.dev/${failover.metadata.name} created`,
    );
  });

  it('refuses an unknown field on apply (kubectl validation via the server OpenAPI)', async () => {
    const bad = readFileSync(failoverFile, 'utf8').replace(
      '  type: Switchover',
      '  type: Switchover\n  colour: blue',
    );
    const result = await k().run(['apply', '-f', '-'], { stdin: bad });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "spec\.colour"/);
  });

  it('refuses a CEL rule violation with the rule message from the server', async () => {
    // allowDataLoss belongs to an unplanned Failover only; a Switchover never loses data.
    const lossySwitchover = readFileSync(failoverFile, 'utf8')
      .replace(`name: ${failover.metadata.name}`, 'name: lossy-switchover')
      .replace('  type: Switchover', '  type: Switchover\n  allowDataLoss: true');
    const refusedSwitchover = await k().run(['apply', '-f', '-'], { stdin: lossySwitchover });
    expect(refusedSwitchover.code).not.toBe(0);
    expect(refusedSwitchover.stderr).toContain('spec.allowDataLoss');
    expect(refusedSwitchover.stderr).toContain(failoverRuleMessage('.allowDataLoss', '!self.allowDataLoss'));
  });

  it('refuses a type Failover without consent to data loss (CEL rule on spec)', async () => {
    const unconsented = readFileSync(failoverFile, 'utf8')
      .replace(`name: ${failover.metadata.name}`, 'name: unconsented-failover')
      .replace('  type: Switchover', '  type: Failover');
    const refused = await k().run(['apply', '-f', '-'], { stdin: unconsented });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('spec.allowDataLoss');
    expect(refused.stderr).toContain(failoverRuleMessage('.allowDataLoss', "self.type != 'Failover'"));
    const listed = await ok(['get', 'failovers', '-n', namespace, '-o', 'name']);
    expect(listed).not.toContain('unconsented-failover');
  });

  it('gets both objects by name and by kind', async () => {
    const got = JSON.parse(
      await ok(['get', 'failoverplan', plan.metadata.name, '-n', namespace, '-o', 'json']),
    ) as {
      spec: { regions: { primary: string } };
    };
    expect(got.spec.regions.primary).toBe('us-east-1');
    const list = await ok(['get', 'failovers', '-n', namespace, '-o', 'name']);
    expect(list.trim()).toBe(`failover.failover.switchyard.dev/${failover.metadata.name}`);
  });

  it('watches (get -w) and sees a change made while watching', async () => {
    const marker = 'watched-failover';
    const watch = k().run(
      ['get', 'failovers', '-n', namespace, '-w', '-o', 'name', '--request-timeout=30s'],
      {
        timeoutMs: 40_000,
        stopWhen: (stdout) => stdout.includes(marker),
      },
    );
    // Give the watch a moment to be established before the change.
    await sleep(1_500);
    const second = readFileSync(failoverFile, 'utf8').replace(
      `name: ${failover.metadata.name}`,
      `name: ${marker}`,
    );
    await ok(['apply', '-f', '-'], second);
    const result = await watch;
    expect(result.timedOut, describeResult(result)).toBe(false);
    expect(result.stdout).toContain(`failover.failover.switchyard.dev/${failover.metadata.name}`);
    expect(result.stdout).toContain(`failover.failover.switchyard.dev/${marker}`);
    await ok(['delete', 'failover', marker, '-n', namespace]);
  });

  it('waits for a condition that a status-subresource patch then sets', async () => {
    const waiting = k().run(
      [
        'wait',
        `failover/${failover.metadata.name}`,
        '-n',
        namespace,
        '--for=condition=Succeeded',
        '--timeout=30s',
      ],
      { timeoutMs: 40_000 },
    );
    await sleep(1_500);
    const status = {
      status: {
        phase: 'Succeeded',
        // The CRD refuses Succeeded unless every journal step Succeeded or was Skipped.
        journal: [
          { name: 'preflight', state: 'Succeeded' },
          { name: 'switchover', state: 'Succeeded' },
          { name: 'verify', state: 'Succeeded' },
        ],
        conditions: [
          {
            type: 'Succeeded',
            status: 'True',
            reason: 'WriterPromoted',
            message: 'us-east-2 is the writer',
            lastTransitionTime: '2026-11-25T03:20:00Z',
          },
        ],
      },
    };
    const patched = await ok([
      'patch',
      'failover',
      failover.metadata.name,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
      '-o',
      'json',
    ]);
    expect((JSON.parse(patched) as { status: { phase: string } }).status.phase).toBe('Succeeded');
    const result = await waiting;
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toContain('condition met');
  });

  it('ignores status in a main-resource patch (status subresource is real)', async () => {
    await ok([
      'patch',
      'failover',
      failover.metadata.name,
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"status":{"phase":"Failed"}}',
    ]);
    const phase = await ok([
      'get',
      'failover',
      failover.metadata.name,
      '-n',
      namespace,
      '-o',
      'jsonpath={.status.phase}',
    ]);
    expect(phase).toBe('Succeeded');
  });

  it('applies server-side with a field manager and records its managed fields', async () => {
    const changed = readFileSync(planFile, 'utf8').replace(
      'standbyDesiredCapacity: 6',
      'standbyDesiredCapacity: 8',
    );
    // The object was created by client-side apply, so taking over its fields needs --force-conflicts.
    const out = await ok(
      ['apply', '--server-side', '--field-manager=switchyard-real-test', '--force-conflicts', '-f', '-'],
      changed,
    );
    expect(out).toContain('serverside-applied');
    const got = JSON.parse(
      await ok([
        'get',
        'failoverplan',
        plan.metadata.name,
        '-n',
        namespace,
        '-o',
        'json',
        '--show-managed-fields',
      ]),
    ) as {
      spec: { compute: { standbyDesiredCapacity: number } };
      metadata: { managedFields: { manager: string; operation: string }[] };
    };
    expect(got.spec.compute.standbyDesiredCapacity).toBe(8);
    expect(got.metadata.managedFields).toContainEqual(
      expect.objectContaining({ manager: 'switchyard-real-test', operation: 'Apply' }),
    );
  });

  it('deletes the Failover and the FailoverPlan', async () => {
    await ok(['delete', '-f', failoverFile, '--wait=true']);
    await ok(['delete', '-f', planFile, '--wait=true']);
    const result = await k().run(['get', 'failoverplan', plan.metadata.name, '-n', namespace]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('NotFound');
  });
});
