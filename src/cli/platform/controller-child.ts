/**
 * A region's controller in a process of its own (`node <this file, bundled>`, forked by
 * controller-process.ts): once its code is loaded it waits for its ControllerSettings over IPC, then
 * runs the controller `npm start` runs in its own process, with what only that process had: probed
 * names resolve through the simulator's admin API and AWS's "now" is read from its clock. Tells its
 * parent where /readyz is once it runs; SIGTERM stops it cleanly, SIGKILL is what the chaos suite
 * sends.
 */
import { startController } from '../../../controllers/controller.js';
import { ADMIN_PREFIX } from '../../../local/aws/core/admin.js';
import { type ControllerSettings, controllerOptions } from './controller-launcher.js';
import { simulatorDnsOverHttp } from './probe-network.js';

/** The simulator's clock: it runs `1 / timeScale` times as fast as ours, from what it says now. */
async function simulatorClock(simulatorUrl: string): Promise<() => number> {
  const response = await fetch(`${simulatorUrl}${ADMIN_PREFIX}/clock`, {
    signal: AbortSignal.timeout(5_000),
  });
  const { now, timeScale } = (await response.json()) as { now: string; timeScale: number };
  const simulatedAt = Date.parse(now);
  const realAt = performance.now();
  return () => simulatedAt + (performance.now() - realAt) / timeScale;
}

// The parent sends these settings from the same type (controller-process.ts).
const settings = await new Promise<ControllerSettings>((resolve) => {
  process.once('message', (message: { settings: ControllerSettings }) => resolve(message.settings));
  // A preloaded process whose parent is gone before it got settings.
  process.once('disconnect', () => process.exit(1));
});
const controller = await startController(
  controllerOptions(settings, {
    probeNetwork: simulatorDnsOverHttp(settings.simulatorUrl, settings.region, settings.vantage),
    awsNow: await simulatorClock(settings.simulatorUrl),
  }),
);
process.send?.({ ready: controller.httpUrl ?? '' });
// The parent gone (killed, crashed), nobody would stop this controller: it stops itself.
process.once('disconnect', () => process.exit(1));
process.once('SIGTERM', () => {
  controller.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
