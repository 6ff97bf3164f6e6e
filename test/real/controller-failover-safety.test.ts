/**
 * The controller's safety suite (test/controller/scenarios/failover-safety.suite.ts: deletion at
 * every step boundary, status tampering, deposed leader, default leader election) against the real
 * apiextensions-apiserver + etcd (kube-apiserver-lite, ADR 0003).
 */
import { defineFailoverSafetySuite } from '../controller/scenarios/failover-safety.suite.js';

defineFailoverSafetySuite('real');
