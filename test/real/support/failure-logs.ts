import { afterEach } from 'vitest';
import type { RunningProcess } from './process.js';

/**
 * After a failed test, prints the log tail of each component the test file started, so a CI
 * failure shows what the real server said without digging for files.
 */
export function showLogsOnFailure(components: () => ReadonlyArray<RunningProcess | undefined>): void {
  afterEach((context) => {
    if (context.task.result?.state !== 'fail') return;
    for (const component of components()) {
      if (!component) continue;
      process.stderr.write(
        `\n--- ${component.name} log (${component.logFile}), last lines ---\n${component.logTail(60)}\n`,
      );
    }
  });
}
