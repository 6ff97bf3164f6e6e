import { defineSyncerSuite } from '../wire/gitops/syncer.suite.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import type { KubeApiserver } from './support/kube-apiserver.js';
import { startRealTarget } from './support/kube-target.js';

/**
 * The syncer suite against the full kube-apiserver (npm run test:real): the same server-side
 * apply, dry runs, deletes and discovery the emulator answers in npm test. No controller-manager
 * runs, so there is no garbage collector: the propagation cases are skipped here (they say so).
 */

let apiserver: KubeApiserver | undefined;
showLogsOnFailure(() => [apiserver?.process]);

defineSyncerSuite(
  async () => {
    const started = await startRealTarget();
    apiserver = started.apiserver;
    return started;
  },
  { garbageCollector: false },
);
