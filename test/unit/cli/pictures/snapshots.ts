/** Platform snapshots for the system picture tests: healthy, and after us-east-1 went down. */
import type { SystemSnapshot } from '../../../../src/cli/pictures/system-svg.js';

export const HEAD = '3f9c2a1d5e6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d';

export function healthySnapshot(): SystemSnapshot {
  return {
    repo: { path: '.switchyard/environments.git', head: HEAD },
    dns: { name: 'trading.example.com', answer: 'us-east-1' },
    aws: { url: 'http://127.0.0.1:4566' },
    regions: [
      {
        name: 'us-east-1',
        cluster: {
          apiUrl: 'https://127.0.0.1:6443',
          syncedRevision: HEAD,
          managedResources: 14,
          readyResources: 14,
          controller: 'running',
        },
        aws: { aurora: 'writer', albHealthy: true, asg: { inService: 6, desired: 6 }, trafficGate: 'open' },
      },
      {
        name: 'us-east-2',
        cluster: {
          apiUrl: 'https://127.0.0.1:6444',
          syncedRevision: HEAD,
          managedResources: 14,
          readyResources: 14,
          controller: 'running',
        },
        aws: { aurora: 'reader', albHealthy: true, asg: { inService: 1, desired: 1 }, trafficGate: 'closed' },
      },
    ],
  };
}

/** us-east-1 down (nothing answers there), us-east-2 promoted and answered, its syncer a commit behind. */
export function afterRegionDownSnapshot(): SystemSnapshot {
  const snapshot = healthySnapshot();
  const [, east2] = snapshot.regions;
  if (!east2?.cluster || !east2.aws) throw new Error('fixture');
  east2.cluster.syncedRevision = 'abc1234';
  east2.cluster.readyResources = 13;
  east2.aws = { aurora: 'writer', albHealthy: true, asg: { inService: 6, desired: 6 }, trafficGate: 'open' };
  return {
    ...snapshot,
    dns: { name: 'trading.example.com', answer: 'us-east-2' },
    regions: [{ name: 'us-east-1' }, east2],
  };
}
