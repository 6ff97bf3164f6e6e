/**
 * Lease-based leader election (coordination.k8s.io/v1), so two replicas in one cluster never both
 * act. The holder renews every `retryPeriodMs`; a candidate takes the Lease over only after
 * `leaseDurationSeconds` without renewal; every write is a replace at the resourceVersion read, so
 * two candidates cannot both win. A leader that cannot renew within the lease duration steps down.
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { describeError, isConflict, isNotFound } from './api-errors.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  retryPeriodMs: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  log(message: string): void;
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenewal = 0;
  private stopped = false;
  /** The acquire-or-renew round trip in progress, which stop() waits out before releasing. */
  private inFlight: Promise<void> | undefined;

  constructor(
    config: KubeConfig,
    private readonly options: LeaderElectionOptions,
  ) {
    this.api = config.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.run();
  }

  /**
   * Stops campaigning. A renewal in flight is waited out first (it may have just taken or renewed
   * the Lease), then a Lease that names us is released so a standby takes over without waiting
   * the lease duration out.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
    this.leading = false;
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity === this.options.identity) {
        await this.replace({
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 },
        });
      }
    } catch (error) {
      this.options.log(`lease release failed: ${describeError(error)}`);
    }
  }

  private run(): void {
    this.inFlight = this.tick().finally(() => {
      this.inFlight = undefined;
    });
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const held = await this.tryAcquireOrRenew();
      // Stopped while the request was out: stop() releases the Lease; never start leading now.
      if (this.stopped) return;
      if (held) this.lastRenewal = Date.now();
      if (held && !this.leading) {
        this.leading = true;
        this.options.log(`became leader (${this.options.identity})`);
        this.options.onStartedLeading();
      }
      if (!held && this.leading) this.stepDown('another holder has the lease');
    } catch (error) {
      if (this.stopped) return;
      this.options.log(`lease ${this.options.name}: ${describeError(error)}`);
      if (this.leading && Date.now() - this.lastRenewal > this.options.leaseDurationSeconds * 1000) {
        this.stepDown('could not renew within the lease duration');
      }
    }
    if (!this.stopped) this.timer = setTimeout(() => this.run(), this.options.retryPeriodMs);
  }

  private stepDown(why: string): void {
    this.leading = false;
    this.options.log(`stopped leading: ${why}`);
    this.options.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    // acquireTime and renewTime are MicroTime: the apiserver refuses anything but six fractional
    // digits (a Date serializes with three), so the type matters on the wire.
    const now = new V1MicroTime();
    const lease = await this.read();
    const { identity, leaseDurationSeconds, namespace, name } = this.options;
    if (!lease) {
      try {
        await this.api.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewedAt = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = renewedAt + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < now.getTime();
    if (holder !== identity && holder !== '' && !expired) return false;
    const takingOver = holder !== identity;
    try {
      await this.replace({
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds,
          renewTime: now,
          ...(takingOver ? { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 } : {}),
        },
      });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({
        namespace: this.options.namespace,
        name: this.options.name,
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private replace(lease: V1Lease): Promise<V1Lease> {
    return this.api.replaceNamespacedLease({
      namespace: this.options.namespace,
      name: this.options.name,
      body: lease,
    });
  }
}
