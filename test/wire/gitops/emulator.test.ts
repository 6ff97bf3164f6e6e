import { startEmulatorTarget } from '../kube/target.js';
import { defineSyncerSuite } from './syncer.suite.js';

/** The syncer suite against the emulator (local/kube); test/real/gitops-syncer.test.ts runs it against the full kube-apiserver. */
defineSyncerSuite(() => startEmulatorTarget({ namespaceLifecycle: true }), { garbageCollector: true });
