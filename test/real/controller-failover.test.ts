/**
 * The controller's wire suite (test/controller/scenarios/failover-wire.suite.ts) against the real
 * apiextensions-apiserver + etcd (kube-apiserver-lite, ADR 0003), with the in-process AWS simulator,
 * the real controller and the real kubectl. `npm test` runs the same suite against the emulator.
 */
import { defineFailoverWireSuite } from '../controller/scenarios/failover-wire.suite.js';

defineFailoverWireSuite('real');
