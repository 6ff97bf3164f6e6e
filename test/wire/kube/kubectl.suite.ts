import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeResult } from '../../support/command.js';
import { sleep } from '../../support/wait.js';
import { useKubectl } from './kubectl-runner.js';
import type { KubeTarget } from './target.js';

const repoRoot = join(import.meta.dirname, '../../..');
const examples = join(repoRoot, 'examples/failover');
const planFile = join(examples, 'failover-plan.yaml');
const failoverFile = join(examples, 'failover-switchover.yaml');
const failoverName = 'trading-switchover-2026-11-25';

/** Real kubectl (through the machine's dispatcher), without --validate=false. */
export function defineKubectlSuite(target: () => KubeTarget): void {
  const { k, ok } = useKubectl(target);

  describe('kubectl', () => {
    it('applies examples with client-side validation on, and gets them as a table with printer columns', async () => {
      expect(await ok(['apply', '-f', planFile])).toContain(
        'failoverplan.failover.switchyard.dev/trading created',
      );
      expect(await ok(['apply', '-f', failoverFile])).toContain(
        `failover.failover.switchyard.dev/${failoverName} created`,
      );
      const table = await ok(['get', 'failovers', '-n', 'trading']);
      expect(table.split('\n')[0]).toMatch(/^NAME\s+PHASE\s+STEP\s+PAUSED\s+TARGET\s+AGE$/);
      // No controller here: no phase or step yet; spec.paused defaults to false.
      expect(table).toMatch(new RegExp(`${failoverName}\\s+false\\s+us-east-2\\s+\\d+s`));
      const wide = await ok(['get', 'fo', '-n', 'trading', '-o', 'wide']);
      expect(wide.split('\n')[0]).toMatch(/TYPE\s+PLAN\s+DRY-RUN/);
    });

    it('refuses unknown fields and CEL violations with the server message', async () => {
      const unknown = await k().run(['apply', '-f', '-'], {
        stdin: readFileSync(failoverFile, 'utf8').replace(
          '  type: Switchover',
          '  type: Switchover\n  colour: blue',
        ),
      });
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toMatch(/unknown field "spec\.colour"/);
      const lossy = readFileSync(failoverFile, 'utf8')
        .replace(`name: ${failoverName}`, 'name: lossy')
        .replace('  type: Switchover', '  type: Switchover\n  allowDataLoss: true');
      const cel = await k().run(['apply', '-f', '-'], { stdin: lossy });
      expect(cel.code).not.toBe(0);
      expect(cel.stderr).toContain('The Failover "lossy" is invalid: spec.allowDataLoss: Invalid value:');
    });

    it('explains CRD fields from the OpenAPI', async () => {
      const out = await ok(['explain', 'failover.spec.targetRegion']);
      expect(out).toContain('KIND:       Failover');
      expect(out).toContain('FIELD: targetRegion <string>');
    });

    it('get -w sees a change made while watching', async () => {
      const watch = k().run(
        ['get', 'failovers', '-n', 'trading', '-w', '-o', 'name', '--request-timeout=20s'],
        {
          timeoutMs: 25_000,
          stopWhen: (stdout) => stdout.includes('watched'),
        },
      );
      await sleep(1_000);
      await ok(
        ['apply', '-f', '-'],
        readFileSync(failoverFile, 'utf8').replace(`name: ${failoverName}`, 'name: watched'),
      );
      const result = await watch;
      expect(result.timedOut, describeResult(result)).toBe(false);
      expect(result.stdout).toContain('failover.failover.switchyard.dev/watched');
      await ok(['delete', 'failover', 'watched', '-n', 'trading']);
    });

    it('wait --for=condition returns once a status patch sets the condition', async () => {
      const waiting = k().run(
        ['wait', `failover/${failoverName}`, '-n', 'trading', '--for=condition=Succeeded', '--timeout=20s'],
        { timeoutMs: 25_000 },
      );
      await sleep(1_000);
      // A finished phase needs a journal that reached it (the CRD's status rules).
      const status = {
        status: {
          phase: 'Succeeded',
          journal: [{ name: 'preflight', state: 'Succeeded', attempts: 1 }],
          conditions: [
            {
              type: 'Succeeded',
              status: 'True',
              reason: 'WriterPromoted',
              message: 'done',
              lastTransitionTime: '2026-11-25T03:20:00Z',
            },
          ],
        },
      };
      await ok([
        'patch',
        'failover',
        failoverName,
        '-n',
        'trading',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify(status),
      ]);
      const result = await waiting;
      expect(result.code, describeResult(result)).toBe(0);
      expect(result.stdout).toContain('condition met');
    });

    it('apply --server-side conflicts with client-side apply unless --force-conflicts', async () => {
      const changed = readFileSync(planFile, 'utf8').replace(
        'standbyDesiredCapacity: 6',
        'standbyDesiredCapacity: 8',
      );
      const refused = await k().run(['apply', '--server-side', '--field-manager=wire', '-f', '-'], {
        stdin: changed,
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply"',
      );
      expect(
        await ok(['apply', '--server-side', '--field-manager=wire', '--force-conflicts', '-f', '-'], changed),
      ).toContain('serverside-applied');
      const got = JSON.parse(
        await ok(['get', 'fplan', 'trading', '-n', 'trading', '-o', 'json', '--show-managed-fields']),
      ) as {
        spec: { compute: { standbyDesiredCapacity: number } };
        metadata: { managedFields: { manager: string; operation: string }[] };
      };
      expect(got.spec.compute.standbyDesiredCapacity).toBe(8);
      expect(got.metadata.managedFields).toContainEqual(
        expect.objectContaining({ manager: 'wire', operation: 'Apply' }),
      );
    });

    it('deletes and then reports NotFound', async () => {
      await ok(['delete', '-f', failoverFile, '--wait=true']);
      await ok(['delete', '-f', planFile]);
      const result = await k().run(['get', 'failoverplan', 'trading', '-n', 'trading']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('NotFound');
    });
  });
}
