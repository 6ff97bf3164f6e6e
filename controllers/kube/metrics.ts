/** The controller's Prometheus metrics, on a registry of its own (several controllers may share a process in tests). */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { EngineObserver } from '../failover/engine.js';

export class ControllerMetrics implements EngineObserver {
  readonly registry = new Registry();
  readonly failoverDuration = new Histogram({
    name: 'switchyard_failover_duration_seconds',
    help: 'Duration of failover executions from start to verified writer, by type and outcome.',
    labelNames: ['type', 'outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly stepsTotal = new Counter({
    name: 'switchyard_failover_steps_total',
    help: 'Failover steps finished, by step and outcome.',
    labelNames: ['step', 'outcome'],
    registers: [this.registry],
  });
  readonly regionHealthy = new Gauge({
    name: 'switchyard_region_healthy',
    help: '1 when a region is healthy as seen from a vantage point, else 0.',
    labelNames: ['region', 'vantage'],
    registers: [this.registry],
  });
  readonly gateKeeperActions = new Counter({
    name: 'switchyard_gate_keeper_actions_total',
    help: 'Traffic switches the gate keeper changed (ADR 0010), by action: close-gate, lift-fence, clear-stale-fence.',
    labelNames: ['action'],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'switchyard_reconcile_errors_total',
    help: 'Reconciles that ended in an error (and were retried with backoff), by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  constructor(withProcessMetrics = false) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  stepFinished(step: string, outcome: 'succeeded' | 'skipped' | 'failed'): void {
    this.stepsTotal.inc({ step, outcome });
  }

  executionFinished(
    type: string,
    outcome: 'Succeeded' | 'Failed' | 'Cancelled',
    durationSeconds: number,
  ): void {
    this.failoverDuration.observe({ type, outcome }, durationSeconds);
  }
}
