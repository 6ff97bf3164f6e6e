/**
 * The Kubernetes side a wire suite file shares across its tests: started once, stopped at the end;
 * a server that does not start (e.g. real:setup not run) fails every test with the reason, and a
 * failed test prints the server's log tail.
 */
import { showLogsOnFailure } from '../../real/support/failure-logs.js';
import { startedForFile } from '../../real/support/lifecycle.js';
import { type KubeSide, type KubeTargetName, startKubeSide } from '../platform.js';

export function kubeSideForFile(target: KubeTargetName): { get(): KubeSide } {
  const platform = startedForFile(
    // The suites create every namespace they use, so the emulator checks that as the real server does.
    () => startKubeSide(target, { namespaceLifecycle: true }),
    (side) => side.close(),
  );
  showLogsOnFailure(() => platform.peek()?.processes ?? []);
  return platform;
}
