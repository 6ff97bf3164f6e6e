/**
 * The controller over the wire against the embedded Kubernetes API emulator (local/kube). The same
 * suite runs against the real apiserver in `npm run test:real` (test/real/controller-failover.test.ts).
 */
import { defineFailoverWireSuite } from './scenarios/failover-wire.suite.js';

defineFailoverWireSuite('emulator');
