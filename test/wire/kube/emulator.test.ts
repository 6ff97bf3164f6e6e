import { afterAll, beforeAll } from 'vitest';
import { defineApiSuite } from './api.suite.js';
import { defineBuiltinSuite } from './builtin.suite.js';
import { defineEmulatorOnlySuite } from './emulator-only.suite.js';
import { prepareSuites } from './fixtures.js';
import { defineKubectlSuite } from './kubectl.suite.js';
import { type KubeTarget, startEmulatorTarget } from './target.js';
import { defineWatchSuite } from './watch.suite.js';

/** The wire suite against the emulator (local/kube), Node only. test/real/kube-wire.test.ts runs it against the full kube-apiserver. */
let target: (KubeTarget & Awaited<ReturnType<typeof startEmulatorTarget>>) | undefined;
const current = () => {
  if (!target) throw new Error('emulator did not start');
  return target;
};

beforeAll(async () => {
  target = await startEmulatorTarget({ bookmarkIntervalMs: 200, namespaceLifecycle: true });
  await prepareSuites(target);
});
afterAll(async () => target?.close());

defineApiSuite(current);
defineWatchSuite(current);
defineKubectlSuite(current);
defineEmulatorOnlySuite(current);
defineBuiltinSuite(current);
