/**
 * Kubernetes Events for step transitions, so `kubectl describe failover` shows the timeline next to
 * the status. Events are best effort: a failed Event write is logged and never fails a reconcile.
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { describeError } from './api-errors.js';
import { serverMeta } from './resources.js';

export type EventType = 'Normal' | 'Warning';

export interface EventTarget {
  apiVersion: string;
  kind: string;
  metadata: object;
}

export interface EventRecorder {
  record(target: EventTarget, type: EventType, reason: string, message: string): Promise<void>;
}

export const CONTROLLER_COMPONENT = 'switchyard-controller';

export class KubeEventRecorder implements EventRecorder {
  private readonly api: CoreV1Api;

  constructor(
    config: KubeConfig,
    private readonly instance: string,
    private readonly onError: (message: string) => void,
  ) {
    this.api = config.makeApiClient(CoreV1Api);
  }

  async record(target: EventTarget, type: EventType, reason: string, message: string): Promise<void> {
    const meta = serverMeta(target);
    const now = new Date();
    try {
      await this.api.createNamespacedEvent({
        namespace: meta.namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${meta.name}.${randomBytes(8).toString('hex')}`, namespace: meta.namespace },
          involvedObject: {
            apiVersion: target.apiVersion,
            kind: target.kind,
            name: meta.name,
            namespace: meta.namespace,
            uid: meta.uid,
            resourceVersion: meta.resourceVersion,
          },
          type,
          reason,
          message: message.slice(0, 1024),
          source: { component: CONTROLLER_COMPONENT },
          reportingComponent: CONTROLLER_COMPONENT,
          reportingInstance: this.instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (error) {
      this.onError(
        `event ${reason} for ${meta.namespace}/${meta.name} not recorded: ${describeError(error)}`,
      );
    }
  }
}
