/**
 * The controller's safety suite (test/controller/scenarios/failover-safety.suite.ts: deletion at
 * every step boundary, status tampering, deposed leader, default leader election) against the full
 * kube-apiserver + etcd (ADR 0019), the controller as its ServiceAccount bound by the chart's RBAC.
 */
import { defineFailoverSafetySuite } from '../controller/scenarios/failover-safety.suite.js';

defineFailoverSafetySuite('real');
