/**
 * The controller's wire suite (test/controller/scenarios/failover-wire.suite.ts) against the full
 * kube-apiserver + etcd (ADR 0019): kubectl as the admin, the real controller as its ServiceAccount
 * bound by the chart's rendered RBAC, with the in-process AWS simulator. Events and the Lease are the
 * real core kinds. `npm test` runs the same suite against the emulator.
 */
import { defineFailoverWireSuite } from '../controller/scenarios/failover-wire.suite.js';

defineFailoverWireSuite('real');
