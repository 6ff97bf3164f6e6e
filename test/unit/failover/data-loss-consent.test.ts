/**
 * Data loss only with consent: every spec variant (type, allowDataLoss, dry run, approval, lag)
 * driven through the real step lists and the real engine against recording AWS ports. Whatever the
 * path, FailoverGlobalCluster goes out only for a spec that asked for it, and always with
 * AllowDataLoss=true (without it AWS would attempt a switchover, failover-anchors §0.3).
 */
import { describe, expect, it } from 'vitest';
import { stepsFor } from '../../../controllers/failover/step-lists.js';
import type { Failover, FailoverSpec } from '../../../src/apis/index.js';
import { CREATED, execute, NOW, plan, recordingAws, UNPLANNED_SPEC } from './recording-aws.js';

const base = UNPLANNED_SPEC;
const APPROVAL = { approvedBy: 'oncall', approvedAt: '2026-11-25T03:01:00Z', maxDataLossSeconds: 3600 };

/** Every combination that matters, including specs the CRD refuses (hand-made, bypassing it). */
const variants = (['Failover', 'Switchover'] as const).flatMap((type) =>
  [true, false].flatMap((allowDataLoss) =>
    [true, false].flatMap((dryRun) =>
      [true, false].flatMap((approved) =>
        [1_000, 30_000].map((lagMs) => ({
          spec: {
            ...base,
            type,
            allowDataLoss,
            dryRun,
            ...(approved ? { approval: APPROVAL } : {}),
          } satisfies FailoverSpec,
          lagMs,
        })),
      ),
    ),
  ),
);

describe('data loss only with consent, on every path through the engine', () => {
  it.each(variants.map((v) => [JSON.stringify({ ...v.spec, planRef: undefined }), v.lagMs, v] as const))(
    '%s, lag %i ms',
    async (_name, _lag, { spec, lagMs }) => {
      const { failover, calls } = await execute(spec, lagMs);
      const failovers = calls.filter((c) => c.operation === 'FailoverGlobalCluster');
      // Never sent for a spec that did not ask, and never without AllowDataLoss when sent.
      for (const call of failovers) expect(call.consent).toEqual({ allowDataLoss: true });
      if (!(spec.type === 'Failover' && spec.allowDataLoss)) expect(failovers).toEqual([]);

      const approvalNeeded = lagMs > plan.automatic.rpoBudgetSeconds * 1000;
      if (spec.type !== 'Failover' || spec.dryRun) return;
      if (!spec.allowDataLoss) {
        // Refused at preflight, before any action: nothing half-done.
        expect(failover.status?.phase).toBe('Failed');
        expect(failover.status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe(
          'DataLossNotConsented',
        );
        expect(calls).toEqual([]);
      } else if (approvalNeeded && !spec.approval) {
        expect(failover.status?.phase).toBe('AwaitingApproval');
        expect(calls).toEqual([]);
      } else {
        expect(failover.status?.phase).toBe('Succeeded');
        expect(failovers).toEqual([
          { region: 'us-east-2', operation: 'FailoverGlobalCluster', consent: { allowDataLoss: true } },
        ]);
      }
    },
  );

  it('covers consenting and refusing specs that reach the promotion', () => {
    const reaching = variants.filter((v) => v.spec.type === 'Failover' && !v.spec.dryRun);
    expect(reaching.filter((v) => v.spec.allowDataLoss)).toHaveLength(4);
    expect(reaching.filter((v) => !v.spec.allowDataLoss)).toHaveLength(4);
  });

  it('promote on its own refuses a spec without consent, with a reason, before reading or sending anything', async () => {
    const { ports, calls } = recordingAws(0);
    const spec: FailoverSpec = { ...base, allowDataLoss: false };
    const promote = stepsFor({ ...base }, plan).find((s) => s.name === 'promote');
    if (!promote) throw new Error('no promote step');
    const failover: Failover = {
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'Failover',
      metadata: { name: 'f', creationTimestamp: CREATED },
      spec,
    };
    const observed = await promote.observe({
      failover,
      spec,
      plan,
      target: 'us-east-2',
      other: 'us-east-1',
      aws: ports,
      regionHealth: () => [],
      journal: [],
      observedLag: undefined,
      automatic: false,
      now: () => NOW,
    });
    const outcome = promote.decide({
      spec,
      plan,
      journal: [],
      observed,
      target: 'us-east-2',
      other: 'us-east-1',
      observedLag: undefined,
      automatic: false,
      failoverCreatedAt: CREATED,
      now: NOW,
    });
    expect(outcome).toMatchObject({ type: 'failed', reason: 'DataLossNotConsented' });
    expect(outcome.type === 'failed' && outcome.message).toMatch(/not sent without consent/);
    expect(calls).toEqual([]);
  });
});
