import type { SimClock } from '../core/clock.js';
import type { Faults } from '../core/faults.js';
import { emitEvent } from './events.js';
import { type DbCluster, type GlobalCluster, type GlobalMember, snapshotArn } from './model.js';
import type { RdsStore } from './store.js';

/** Simulated durations of the Aurora global failover steps (scaled by the clock's timeScale). */
export interface AuroraTimings {
  /** `pending`: Aurora verifies the clusters before it starts. */
  pendingMs: number;
  /** `failing-over`: promotion of the target secondary in a managed (unplanned) failover. */
  failoverMs: number;
  /** Promotion step of a switchover, after the secondaries caught up. */
  switchoverMs: number;
  /** How long a switchover waits for the old primary before it cancels. */
  switchoverTimeoutMs: number;
  /** `cancelling`: clusters return to their previous roles. */
  cancelMs: number;
  /** From promotion to RDS-EVENT-0397 (global writer endpoint DNS changed). */
  writerDnsMs: number;
  /** Rebuilding the old primary as a secondary once its region is back. */
  resyncMs: number;
}

/**
 * AWS's published numbers where there are any (../shared/reference/failover-anchors.md §1.3 and §6):
 * a managed failover promotes "within a few minutes", ~60 s at best ("under a minute" in older
 * AWS text [A11][A1]), so `pendingMs` + `failoverMs` = 65 s is the best case the modelled-RTO bench
 * (test/bench/rto.ts) charges every design alike. The others are not published; they only keep the
 * states observable.
 */
export const DEFAULT_AURORA_TIMINGS: AuroraTimings = {
  pendingMs: 5_000,
  failoverMs: 60_000,
  switchoverMs: 30_000,
  switchoverTimeoutMs: 300_000,
  cancelMs: 10_000,
  writerDnsMs: 15_000,
  resyncMs: 120_000,
};

/**
 * Drives FailoverState through its states for one global cluster at a time. Callers validate the
 * request first (operations.ts); everything here runs after the API has already answered.
 */
/** What the engine keeps between steps, for the state file (ARNs of member clusters). */
export interface EngineState {
  /** Old primaries demoted by an unplanned failover, waiting for their region to come back. */
  awaitingResync: string[];
  /** Old primaries being rebuilt as secondaries (RDS-EVENT-0240 emitted, 0241 not yet). */
  resyncing: string[];
  /** Promoted clusters whose RDS-EVENT-0397 (writer endpoint DNS changed) is still to come. */
  pendingWriterDns: string[];
}

/**
 * Drives FailoverState through its states for one global cluster at a time. Callers validate the
 * request first (operations.ts); everything here runs after the API has already answered.
 */
export class GlobalFailoverEngine {
  private readonly awaitingResync = new Set<string>();
  private readonly resyncing = new Set<string>();
  private readonly pendingWriterDns = new Set<string>();

  constructor(
    private readonly store: RdsStore,
    private readonly clock: SimClock,
    private readonly faults: Faults,
    private readonly timings: AuroraTimings,
  ) {
    faults.onChange(() => this.resumeResyncs());
  }

  /** FailoverGlobalCluster with AllowDataLoss: promote without waiting for the old primary. */
  startFailover(global: GlobalCluster, target: DbCluster): void {
    const writer = this.writerOf(global);
    global.failover = {
      status: 'pending',
      fromArn: writer.clusterArn,
      toArn: target.arn,
      dataLossAllowed: true,
    };
    void this.runFailover(global, target, writer);
  }

  /** SwitchoverGlobalCluster, or FailoverGlobalCluster without AllowDataLoss. */
  startSwitchover(global: GlobalCluster, target: DbCluster): void {
    const writer = this.writerOf(global);
    global.failover = {
      status: 'pending',
      fromArn: writer.clusterArn,
      toArn: target.arn,
      dataLossAllowed: false,
    };
    void this.runSwitchover(global, target, writer);
  }

  state(): EngineState {
    return {
      awaitingResync: [...this.awaitingResync],
      resyncing: [...this.resyncing],
      pendingWriterDns: [...this.pendingWriterDns],
    };
  }

  /**
   * After a restart, with the store and the faults already restored. A transition the previous run
   * left in flight is settled, not resumed: its timers died with that run, and replaying them
   * would leave a half-promoted global cluster visible for the length of a step. Each one ends as
   * its last step would have ended with the faults now in force:
   * - a managed failover (AllowDataLoss) promotes its target, or fails (0239) and rolls back when
   *   the target's region is down;
   * - a switchover completes when the old primary is reachable from the target, otherwise it fails
   *   (0187) and is cancelled (0186) with the roles unchanged, as its timeout would have;
   * - `cancelling` finishes cancelling; a resync in progress finishes (0241); a pending 0397 is emitted.
   * Old primaries still waiting for their region keep waiting, and resync once it is reachable.
   */
  restore(state: EngineState): void {
    for (const global of this.store.globalClusters.values()) {
      if (global.failover) this.settle(global);
    }
    for (const arn of state.resyncing) this.finishResync(arn);
    for (const arn of state.pendingWriterDns) {
      const cluster = this.store.clusterByArn(arn);
      if (cluster) emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0397', cluster);
    }
    for (const arn of state.awaitingResync) this.awaitingResync.add(arn);
    this.resumeResyncs();
  }

  private settle(global: GlobalCluster): void {
    const failover = global.failover;
    const target = failover ? this.store.clusterByArn(failover.toArn) : undefined;
    const oldWriter = global.members.find((m) => m.clusterArn === failover?.fromArn);
    if (!failover || !target || !oldWriter || failover.status === 'cancelling') {
      this.finishCancel(global);
      return;
    }
    if (failover.dataLossAllowed) {
      if (this.faults.isRegionDown(target.region)) {
        emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0239', target);
        this.finishCancel(global);
      } else this.completeFailover(global, target, oldWriter);
      return;
    }
    if (failover.status === 'pending') emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0181', target);
    const oldPrimary = this.store.clusterByArn(oldWriter.clusterArn);
    if (oldPrimary && !this.faults.cannotReach(target.region, oldPrimary.region)) {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0182', oldPrimary);
      this.completeSwitchover(global, target, oldWriter);
    } else {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0187', target);
      this.finishCancel(global);
    }
  }

  private writerOf(global: GlobalCluster): GlobalMember {
    const writer = global.members.find((m) => m.isWriter);
    if (!writer) throw new Error(`global cluster ${global.id} has no writer`);
    return writer;
  }

  private async runFailover(
    global: GlobalCluster,
    target: DbCluster,
    oldWriter: GlobalMember,
  ): Promise<void> {
    await this.clock.sleep(this.timings.pendingMs);
    this.setState(global, 'failing-over');
    await this.clock.sleep(this.timings.failoverMs);
    if (this.faults.isRegionDown(target.region)) {
      // The promoted region itself went dark: Aurora reports the failover as failed and rolls back.
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0239', target);
      await this.cancel(global);
      return;
    }
    this.completeFailover(global, target, oldWriter);
  }

  private completeFailover(global: GlobalCluster, target: DbCluster, oldWriter: GlobalMember): void {
    this.promote(global, target);
    oldWriter.sync = 'pending-resync';
    global.failover = undefined;
    global.status = 'available';
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0238', target);
    this.scheduleWriterDns(target);
    this.awaitingResync.add(oldWriter.clusterArn);
    this.resumeResyncs();
  }

  private async runSwitchover(
    global: GlobalCluster,
    target: DbCluster,
    oldWriter: GlobalMember,
  ): Promise<void> {
    const oldPrimary = this.store.clusterByArn(oldWriter.clusterArn);
    await this.clock.sleep(this.timings.pendingMs);
    this.setState(global, 'switching-over');
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0181', target);

    // A switchover needs the old primary: it is shut down and drained before the target is promoted.
    // With the primary unreachable it waits, then gives up, which is the trap of calling
    // FailoverGlobalCluster without AllowDataLoss during a regional outage.
    const reachable = () =>
      oldPrimary !== undefined && !this.faults.cannotReach(target.region, oldPrimary.region);
    const deadline = this.clock.now() + this.timings.switchoverTimeoutMs;
    while (!reachable() && this.clock.now() < deadline) {
      await this.clock.sleep(this.timings.switchoverTimeoutMs / 20);
    }
    if (!oldPrimary || !reachable()) {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0187', target);
      await this.cancel(global);
      return;
    }
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0182', oldPrimary);
    const lagMs = this.faults.lagMs;
    if (lagMs > 0) {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0183', target, lagMs);
      // "The larger the lag value, the longer the switchover will take": catching up takes the lag.
      await this.clock.sleep(lagMs);
    }
    await this.clock.sleep(this.timings.switchoverMs);
    if (!reachable()) {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0187', target);
      await this.cancel(global);
      return;
    }
    this.completeSwitchover(global, target, oldWriter);
  }

  private completeSwitchover(global: GlobalCluster, target: DbCluster, oldWriter: GlobalMember): void {
    this.promote(global, target);
    oldWriter.sync = 'connected';
    global.failover = undefined;
    global.status = 'available';
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0184', target);
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0185', target);
    this.scheduleWriterDns(target);
  }

  private setState(global: GlobalCluster, status: 'failing-over' | 'switching-over'): void {
    if (global.failover) global.failover.status = status;
    global.status = status;
  }

  private async cancel(global: GlobalCluster): Promise<void> {
    if (global.failover) global.failover.status = 'cancelling';
    await this.clock.sleep(this.timings.cancelMs);
    this.finishCancel(global);
  }

  private finishCancel(global: GlobalCluster): void {
    const target = global.failover ? this.store.clusterByArn(global.failover.toArn) : undefined;
    if (target && !global.failover?.dataLossAllowed) {
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0186', target);
    }
    global.failover = undefined;
    global.status = 'available';
  }

  private promote(global: GlobalCluster, target: DbCluster): void {
    for (const member of global.members) member.isWriter = member.clusterArn === target.arn;
    const promoted = global.members.find((m) => m.clusterArn === target.arn);
    if (promoted) promoted.sync = 'connected';
  }

  private scheduleWriterDns(target: DbCluster): void {
    this.pendingWriterDns.add(target.arn);
    this.clock.after(this.timings.writerDnsMs, () => {
      this.pendingWriterDns.delete(target.arn);
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0397', target);
    });
  }

  /**
   * The old primary rejoins as a secondary once its region is reachable again: Aurora snapshots the
   * old volume (`rds:unplanned-global-failover-…`), gives the cluster a new one and resynchronises.
   */
  private resumeResyncs(): void {
    for (const arn of [...this.awaitingResync]) {
      const cluster = this.store.clusterByArn(arn);
      const global = cluster?.globalClusterId
        ? this.store.globalClusters.get(cluster.globalClusterId)
        : undefined;
      const writer = global?.members.find((m) => m.isWriter);
      const writerCluster = writer ? this.store.clusterByArn(writer.clusterArn) : undefined;
      if (!cluster || !global || !writerCluster) {
        this.awaitingResync.delete(arn);
        continue;
      }
      if (this.faults.cannotReach(writerCluster.region, cluster.region)) continue;
      this.awaitingResync.delete(arn);
      this.snapshotOldVolume(cluster);
      cluster.volumeGeneration += 1;
      emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0240', cluster);
      this.resyncing.add(arn);
      this.clock.after(this.timings.resyncMs, () => this.finishResync(arn));
    }
  }

  private finishResync(arn: string): void {
    this.resyncing.delete(arn);
    const cluster = this.store.clusterByArn(arn);
    const global = cluster?.globalClusterId
      ? this.store.globalClusters.get(cluster.globalClusterId)
      : undefined;
    const member = global?.members.find((m) => m.clusterArn === arn);
    if (!cluster || !member) return;
    member.sync = 'connected';
    emitEvent(this.store, this.clock.date(), 'RDS-EVENT-0241', cluster);
  }

  private snapshotOldVolume(cluster: DbCluster): void {
    const stamp = this.clock
      .date()
      .toISOString()
      .replace(/[:T]/g, '-')
      .replace(/\.\d+Z$/, '');
    const id = `rds:unplanned-global-failover-${cluster.id}-${stamp}`;
    this.store.region(cluster.region).snapshots.set(id, {
      id,
      arn: snapshotArn(cluster.region, id),
      region: cluster.region,
      clusterId: cluster.id,
      engine: cluster.engine,
      engineVersion: cluster.engineVersion,
      createdAt: this.clock.date(),
      clusterCreatedAt: cluster.createdAt,
      type: 'automated',
    });
  }
}
