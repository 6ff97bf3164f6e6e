/**
 * Consent and approval over the wire (kubectl + simulator, the us-east-1 outage of outage.ts), each
 * a reproduction of issue 13's bad input: a Failover without allowDataLoss is refused by the CRD; a
 * future, a stale, and a too-small approval keep it AwaitingApproval with a clear ApprovalValid
 * condition and no mutating AWS call; a later, larger approval replaces a too-small one; and the
 * FailoverGlobalCluster that finally goes out carries AllowDataLoss=true on the wire.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLossNotConsentedError } from '../../controllers/aws/ports.js';
import { sdkAwsPorts } from '../../controllers/aws/sdk-ports.js';
import { memberArn } from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { DATA_LOSS_CONSENT_MESSAGE, type Failover } from '../../src/apis/index.js';
import { credentials } from '../aws/support.js';
import { waitFor } from '../support/wait.js';
import { clusterIdIn, examplePlan, GLOBAL_ID, mutatingCalls, writerOf } from './estate.js';
import { outagePlatform } from './outage.js';
import {
  approvalNow,
  conditionOf,
  exampleIn,
  type KubeSide,
  UNBOUNDED_LOSS_SECONDS,
  waitForFailover,
} from './platform.js';

const NAME = 'trading-failover-use1-outage';
const TARGET_ARN = memberArn(examplePlan.spec, 'us-east-2');

const platform = outagePlatform('approval');
const setUp = () => platform.setUp();
let side: KubeSide;
beforeAll(() => {
  side = platform.side();
});

const patchSpec = (ns: string, spec: object) =>
  side.kubectl.run(['patch', 'failover', NAME, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec })]);

/** The unplanned example with this approval block, as `kubectl apply` gets it. */
const withApproval = (ns: string, approval: { approvedAt: string; maxDataLossSeconds: number }) =>
  exampleIn('failover-unplanned.yaml', ns, (text) =>
    text.replace(
      '  allowDataLoss: true\n',
      `  allowDataLoss: true\n  approval:\n    approvedBy: mallory\n    approvedAt: "${approval.approvedAt}"\n    maxDataLossSeconds: ${approval.maxDataLossSeconds}\n`,
    ),
  );

/** Waits until the approval was judged invalid for `reason`, and checks nothing was changed in AWS. */
async function refusedApproval(ns: string, reason: string, sim: AwsSimulator): Promise<Failover> {
  const failover = await waitForFailover(
    side,
    ns,
    NAME,
    (f) => f.status?.phase === 'AwaitingApproval' && conditionOf(f, 'ApprovalValid')?.reason === reason,
    `AwaitingApproval with ApprovalValid=False ${reason}`,
  );
  expect(conditionOf(failover, 'ApprovalValid')?.status).toBe('False');
  expect(conditionOf(failover, 'AwaitingApproval')).toMatchObject({ status: 'True', reason });
  expect(failover.status?.journal?.find((e) => e.name === 'approval')?.state).toBe('Running');
  expect(failover.status?.journal?.filter((e) => e.state === 'Succeeded').map((e) => e.name)).toEqual([
    'preflight',
  ]);
  expect(mutatingCalls(sim)).toEqual([]);
  return failover;
}

describe('consent for data loss', () => {
  it('kubectl apply of a type Failover without allowDataLoss is refused by the CRD with the rule message; nothing stored or called', async () => {
    const { ns, sim } = await setUp();
    const manifest = exampleIn('failover-unplanned.yaml', ns, (text) =>
      text.replace('  allowDataLoss: true\n', ''),
    );
    const result = await side.kubectl.run(['apply', '-f', '-'], { stdin: manifest });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`spec.allowDataLoss: Invalid value`);
    expect(result.stderr).toContain(DATA_LOSS_CONSENT_MESSAGE);
    const get = await side.kubectl.run(['get', 'failover', NAME, '-n', ns]);
    expect(get.stderr).toMatch(/NotFound/);
    expect(mutatingCalls(sim)).toEqual([]);
  });

  it('the SDK port never sends FailoverGlobalCluster without consent, and sends AllowDataLoss=true with it', async () => {
    const { sim, proxy } = await setUp();
    await platform.stopController();
    const rds = sdkAwsPorts({ endpoint: proxy.url, credentials }).region('us-east-2').rds;
    await expect(
      rds.failoverGlobalCluster(GLOBAL_ID, TARGET_ARN, { allowDataLoss: false }),
    ).rejects.toBeInstanceOf(DataLossNotConsentedError);
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toEqual([]);

    await rds.failoverGlobalCluster(GLOBAL_ID, TARGET_ARN, { allowDataLoss: true });
    const sent = proxy.requests.filter((r) => r.operation === 'FailoverGlobalCluster');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toMatch(/(^|&)AllowDataLoss=true(&|$)/);
    // A failover, not a switchover: with us-east-1 down a switchover would be cancelled.
    await waitFor(
      async () => (await writerOf(sim)) === clusterIdIn('us-east-2'),
      'us-east-2 to become the writer',
    );
  });
});

describe('approvals that mean something', () => {
  it('an approval dated in the future: ApprovalValid=False ApprovedInFuture, AwaitingApproval, 0 mutating calls', async () => {
    const { ns, sim } = await setUp();
    await side.ok(
      ['apply', '-f', '-'],
      withApproval(ns, { approvedAt: '2099-01-01T00:00:00Z', maxDataLossSeconds: UNBOUNDED_LOSS_SECONDS }),
    );
    const failover = await refusedApproval(ns, 'ApprovedInFuture', sim);
    expect(conditionOf(failover, 'ApprovalValid')?.message).toBe(
      "approval by mallory at 2099-01-01T00:00:00Z is dated in the future (more than 60 s ahead of the controller's clock)",
    );
  });

  it('an approval older than the Failover: ApprovalValid=False ApprovalPredatesFailover, 0 mutating calls', async () => {
    const { ns, sim } = await setUp();
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await side.ok(
      ['apply', '-f', '-'],
      withApproval(ns, { approvedAt: anHourAgo, maxDataLossSeconds: UNBOUNDED_LOSS_SECONDS }),
    );
    const failover = await refusedApproval(ns, 'ApprovalPredatesFailover', sim);
    expect(conditionOf(failover, 'ApprovalValid')?.message).toMatch(
      /approval by mallory at \S+ predates this Failover \(created \S+, 60 s skew allowed\)/,
    );
  });

  it('an approval below the observed lag: LagAboveApproval, 0 mutating calls; an earlier replacement is refused by CEL, a later larger one lets it finish and the journal records who and the lag', async () => {
    const { ns, sim, proxy } = await setUp();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    await waitForFailover(side, ns, NAME, (f) => f.status?.phase === 'AwaitingApproval', 'AwaitingApproval');
    const small = approvalNow(1, 'alice@trading');
    expect((await patchSpec(ns, { approval: small })).code).toBe(0);
    const failover = await refusedApproval(ns, 'LagAboveApproval', sim);
    expect(conditionOf(failover, 'AwaitingApproval')?.message).toMatch(
      new RegExp(
        `observed replication lag [\\d.]+ s is above the 1 s of data loss accepted by the approval by alice@trading at ${small.approvedAt}; waiting for a new approval with a later approvedAt`,
      ),
    );

    // Replacing it with one dated earlier (or the same instant) is refused by the CRD.
    const earlier = {
      ...small,
      approvedAt: '2026-01-01T00:00:00Z',
      maxDataLossSeconds: UNBOUNDED_LOSS_SECONDS,
    };
    const refused = await patchSpec(ns, { approval: earlier });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /spec\.approval: Invalid value: .*replace it only with one whose approvedAt is later/,
    );
    expect((await patchSpec(ns, { approval: null })).stderr).toMatch(/an approval cannot be removed/);

    // A later approval (one second later is enough) with a budget that covers the lag.
    const later = {
      approvedBy: 'bob@trading',
      approvedAt: new Date(Date.parse(small.approvedAt) + 1_000).toISOString().replace(/\.\d+Z$/, 'Z'),
      maxDataLossSeconds: UNBOUNDED_LOSS_SECONDS,
    };
    expect((await patchSpec(ns, { approval: later })).code).toBe(0);
    const done = await waitForFailover(side, ns, NAME, (f) => f.status?.phase === 'Succeeded', 'Succeeded');
    expect(done.status?.journal?.find((e) => e.name === 'approval')?.message).toMatch(
      new RegExp(
        `approval by bob@trading at ${later.approvedAt} accepts ${UNBOUNDED_LOSS_SECONDS} s of data loss; replication lag [\\d.]+ s when used`,
      ),
    );
    expect(conditionOf(done, 'ApprovalValid')).toMatchObject({ status: 'True', reason: 'Approved' });
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' }).map((e) => e.region)).toEqual([
      'us-east-2',
    ]);
    expect(proxy.requests.find((r) => r.operation === 'FailoverGlobalCluster')?.body).toMatch(
      /(^|&)AllowDataLoss=true(&|$)/,
    );
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
  });
});
