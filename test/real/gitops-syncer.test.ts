import { defineSyncerSuite } from '../wire/gitops/syncer.suite.js';
import type { RealApiserver } from './support/apiserver.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startRealTarget } from './support/kube-target.js';

/**
 * The syncer suite against the real apiextensions-apiserver (npm run test:real): the same
 * server-side apply, dry runs, deletes and discovery the emulator answers in npm test. It has no
 * garbage collector, so the propagation cases are skipped here (they say so).
 */

let apiserver: RealApiserver | undefined;
showLogsOnFailure(() => [apiserver?.process]);

defineSyncerSuite(
  async () => {
    const started = await startRealTarget();
    apiserver = started.apiserver;
    return started;
  },
  { garbageCollector: false },
);
