/**
 * The executing controller SIGKILLed at every step boundary and in the middle of every call that
 * changes AWS, in an unplanned failover (a drill: both regions up) and a planned switchover back.
 * The step lists come from controllers/failover/step-lists.ts. A boundary is the status write that
 * starts a step, held at the controller's Kubernetes proxy: the controller dies with it held, then
 * the write lands or is lost. A call is held at its AWS proxy: the controller dies waiting, then
 * the call takes effect with its answer lost, or never arrives. A new process (same settings, as a
 * Deployment restarts its pod) resumes from the journal. Every run converges; the promotion
 * (FailoverGlobalCluster / SwitchoverGlobalCluster) reaches AWS once per run.
 */
import { isTerminal } from '../../../controllers/failover/phase.js';
import { stepsFor } from '../../../controllers/failover/step-lists.js';
import type { Failover } from '../../../src/apis/index.js';
import type { PairRegion } from '../../../src/estate/common/parameters.js';
import { MUTATING } from '../../controller/estate.js';
import { type Release, startsStep } from '../../controller/kube-holding-proxy.js';
import { countOf, journalMark, journalSince } from '../journal.js';
import { approvedNow, failoverManifest, otherRegion } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { applyFailover, describeRunning, failoverNamed, followFailover, writerRegion } from '../steps.js';

const PROMOTIONS = new Set(['FailoverGlobalCluster', 'SwitchoverGlobalCluster']);
const HOLD_TIMEOUT_MS = 60_000;

type Kind = 'Failover' | 'Switchover';
const promotionOf = (type: Kind) =>
  type === 'Failover' ? 'FailoverGlobalCluster' : 'SwitchoverGlobalCluster';

interface Execution {
  type: Kind;
  target: PairRegion;
  name: string;
}

/** The manifest: an unplanned one comes with its consent (the lost region's lag only grows). */
const manifestOf = (run: ScenarioRun, execution: Execution) =>
  failoverManifest(
    run.platform.estate,
    execution.name,
    execution.type,
    execution.target,
    'chaos: SIGKILL',
    execution.type === 'Failover' ? approvedNow() : {},
  );

const start = (run: ScenarioRun, execution: Execution) =>
  applyFailover(run, execution.target, manifestOf(run, execution));

/** Runs an execution to its end, checking it converged and promoted once. */
async function finish(
  run: ScenarioRun,
  execution: Execution,
  mark: number,
  kills: number,
): Promise<Failover> {
  const failover = await followFailover(run, execution.target, execution.name);
  run.require(failover.status?.phase === 'Succeeded', `${execution.name} ended ${failover.status?.phase}`);
  await run.settled(`${execution.name}: writer and DNS in ${execution.target}`);
  const promotion = promotionOf(execution.type);
  const sent = journalSince(run.platform, mark).filter((e) => e.operation === promotion);
  run.require(
    sent.length === 1 && countOf(sent, promotion) === 1,
    `${promotion} reached AWS ${sent.length} times (${countOf(sent, promotion)} accepted) in ${execution.name}`,
  );
  run.note(`${execution.name}: ${kills} SIGKILLs, converged Succeeded, ${promotion} reached AWS once`);
  return failover;
}

/** Killed as each step's status write starts it: the write lands (even steps) or is lost (odd). */
async function killedAtBoundaries(run: ScenarioRun, execution: Execution): Promise<void> {
  const { platform } = run;
  const kube = platform.controllers.kube(execution.target);
  const steps = stepsFor(manifestOf(run, execution).spec, platform.estate.plan).map((step) => step.name);
  const mark = journalMark(platform);
  const holdStart = (step: string) => quiet(kube.holdNext(startsStep(execution.name, step), HOLD_TIMEOUT_MS));
  let held = holdStart(steps[0] ?? '');
  await start(run, execution);
  for (const [index, step] of steps.entries()) {
    const release: Release = await held.catch(async (error: unknown) => {
      const seen = await failoverNamed(platform, execution.target, execution.name);
      run.require(false, `no status write starting ${step} (${String(error)}); ${describeRunning(seen)}`);
      throw error;
    });
    const lands = index % 2 === 0;
    await platform.controllers.crash(execution.target, async () => {
      const next = steps[index + 1];
      if (next) held = holdStart(next);
      if (lands) await release();
    });
    await run.event(
      `SIGKILL ${execution.target} controller entering ${step} (its status write ${lands ? 'landed' : 'lost'})`,
    );
  }
  await finish(run, execution, mark, steps.length);
}

/** Killed in every call that changes AWS: applied with the answer lost, or never sent (alternately; a promotion always applied). */
async function killedMidCall(run: ScenarioRun, execution: Execution, firstApplied = true): Promise<void> {
  const { platform } = run;
  const aws = platform.controllers.aws(execution.target);
  const mark = journalMark(platform);
  const mutating = (operation: string) => MUTATING.has(operation);
  let kills = 0;
  /** Kills in calls other than the promotion, which alternate between applied and never sent. */
  let others = 0;
  let held = quiet(aws.holdNext(mutating, HOLD_TIMEOUT_MS));
  await start(run, execution);
  const done = ended(run, execution);
  for (;;) {
    const next = await Promise.race([held, done]);
    if (next === 'ended') {
      aws.cancelHold();
      break;
    }
    const applied = PROMOTIONS.has(next.operation) || (others++ % 2 === 0) === firstApplied;
    await platform.controllers.crash(execution.target, async () => {
      if (applied) await next.release();
      else next.drop();
      held = quiet(aws.holdNext(mutating, HOLD_TIMEOUT_MS));
    });
    kills += 1;
    await run.event(
      `SIGKILL ${execution.target} controller in ${next.operation} (${applied ? 'applied, answer lost' : 'never sent'})`,
    );
  }
  run.require(kills > 0, `${execution.name} made no call that changes AWS`);
  await finish(run, execution, mark, kills);
}

/**
 * A hold nobody may end up awaiting (the scenario failed first) must not crash the suite when it
 * times out; whoever awaits it still sees the rejection.
 */
function quiet<T>(hold: Promise<T>): Promise<T> {
  hold.catch(() => undefined);
  return hold;
}

/** Resolves 'ended' once the execution is terminal (polling; never rejects). */
async function ended(run: ScenarioRun, execution: Execution): Promise<'ended'> {
  for (;;) {
    const failover = await failoverNamed(run.platform, execution.target, execution.name).catch(
      () => undefined,
    );
    if (failover && isTerminal(failover.status?.phase)) return 'ended';
    await run.pause(250);
  }
}

/**
 * An unplanned failover is what a lost region calls for: the old primary's AWS is down for it (as
 * in test/controller/crash-resume.test.ts), and back before the planned switchover home.
 */
async function unplanned(
  run: ScenarioRun,
  execution: Execution,
  kill: (run: ScenarioRun, execution: Execution) => Promise<void>,
): Promise<void> {
  const old = otherRegion(execution.target);
  await run.platform.awsFault('region-down', old);
  await run.event(`chaos --aws region-down ${old} (AWS only: its cluster and controller stay)`);
  await kill(run, execution);
  await run.platform.awsFault('region-up', old);
  await run.event(`chaos --aws region-up ${old}`);
}

export const controllerSigkill: Scenario = {
  name: 'controller-sigkill',
  summary:
    'the executing controller SIGKILLed at every step boundary (status write landed or lost) and mid-call (applied with the answer lost, or never sent), unplanned (old primary lost) and planned: every run converges, the promotion reaches AWS once per run',
  async run(run: ScenarioRun) {
    const home = writerRegion(run.platform);
    const away = otherRegion(home);
    await unplanned(
      run,
      { type: 'Failover', target: away, name: 'chaos-kill-boundaries-unplanned' },
      killedAtBoundaries,
    );
    await killedAtBoundaries(run, {
      type: 'Switchover',
      target: home,
      name: 'chaos-kill-boundaries-planned',
    });
    await unplanned(
      run,
      { type: 'Failover', target: away, name: 'chaos-kill-midcall-unplanned' },
      killedMidCall,
    );
    await killedMidCall(run, { type: 'Switchover', target: home, name: 'chaos-kill-midcall-planned' }, false);
  },
};
