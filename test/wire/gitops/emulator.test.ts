import { afterAll, beforeAll } from 'vitest';
import { installCrds } from '../kube/fixtures.js';
import { type KubeTarget, startEmulatorTarget } from '../kube/target.js';
import { clusterCrds, FAILOVERS_CRD } from './fixtures.js';
import { defineSyncerSuite } from './syncer.suite.js';

/** The syncer suite against the emulator (local/kube); test/real/gitops-syncer.test.ts runs it against the real apiserver. */
let target: KubeTarget | undefined;

beforeAll(async () => {
  target = await startEmulatorTarget();
  await installCrds(target, clusterCrds([FAILOVERS_CRD]));
});
afterAll(async () => target?.close());

defineSyncerSuite(() => {
  if (!target) throw new Error('emulator did not start');
  return target;
});
