import pino from 'pino';
import { startController } from '../../controllers/controller.js';

/**
 * The controller alone in a process for the memory figure of the controller bench (forked by
 * controller.ts with `<kubeconfig> <aws endpoint>`, under tsx or as an esbuild bundle): no vantage (nothing to probe), readiness off,
 * production engine defaults. Answers `memory` over IPC with process.memoryUsage() after a full GC.
 */

const [kubeconfigPath = '', endpoint = ''] = process.argv.slice(2);
// After the imports (the whole controller) and a GC: what the process costs before any object.
globalThis.gc?.();
const baselineRss = process.memoryUsage().rss;
// The simulator does not check signatures; fixed keys keep the default credential chain out of it.
const credentials = { accessKeyId: 'AKIDSIMULATOR', secretAccessKey: 'simulator-secret' };
const controller = await startController({
  kubeconfigPath,
  region: 'us-east-2',
  httpPort: 0,
  readinessIntervalMs: 0,
  awsSdk: { endpoint, credentials },
  logger: pino({ level: 'silent' }),
});
process.send?.({ ready: controller.httpUrl, baselineRss });
process.on('message', (message: unknown) => {
  if (message !== 'memory') return;
  // Run with --expose-gc: the RSS is read after a collection, as it settles in a long-lived process.
  globalThis.gc?.();
  process.send?.({ memory: process.memoryUsage(), maxRssKiB: process.resourceUsage().maxRSS });
});
process.once('SIGTERM', () => {
  void controller.stop().then(() => process.exit(0));
});
