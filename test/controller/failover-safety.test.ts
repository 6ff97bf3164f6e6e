/**
 * Deletion as a cancel, status guards, and one actor per region over the wire against the embedded
 * Kubernetes API emulator; test/real/controller-failover-safety.test.ts runs the same suite
 * against the real apiserver.
 */
import { defineFailoverSafetySuite } from './scenarios/failover-safety.suite.js';

defineFailoverSafetySuite('emulator');
