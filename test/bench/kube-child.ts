import { startKubeEmulator } from '../../local/kube/index.js';

/**
 * The emulator in its own process for the bench (forked by kube-target.ts): its RSS is then the
 * emulator's alone, and it does not share an event loop with the load generator, as the real
 * apiserver does not. Answers `memory` over IPC with process.memoryUsage() after a full GC.
 */

const emulator = await startKubeEmulator({ port: 0 });
process.send?.({ ready: emulator.url });
process.on('message', (message: unknown) => {
  if (message !== 'memory') return;
  // Run with --expose-gc: heapUsed after a collection is the live data, not collection timing.
  globalThis.gc?.();
  process.send?.({ memory: process.memoryUsage(), maxRssKiB: process.resourceUsage().maxRSS });
});
process.on('disconnect', () => {
  void emulator.close().then(() => process.exit(0));
});
