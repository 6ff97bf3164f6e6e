/**
 * The probe-only agent (`--probe-only`): a vantage point outside the cluster it reports to. It
 * watches the RegionHealth objects of its vantage in the cluster of its kubeconfig, probes them and
 * writes their status there — nothing else: no Failover, no plan, no execution, no trigger.
 *
 * Why it exists (ADR 0007, "Vantages"): the automatic trigger in the standby's cluster needs two
 * vantages that agree the primary is down, and the primary's own cluster dies with the primary. A
 * second vantage must therefore live in a third place (another region or provider) and write into
 * the standby's cluster through its API server. Its RBAC is only RegionHealth get/list/watch and
 * regionhealths/status patch.
 */
import { hostname } from 'node:os';
import pino from 'pino';
import { sdkAwsPorts } from './aws/sdk-ports.js';
import { type ControllerOptions, loadKubeConfig, type RunningController } from './controller.js';
import { RegionHealthProber } from './health/prober.js';
import { type HttpEndpoints, startHttpEndpoints } from './kube/http-endpoints.js';
import { startInformer } from './kube/informers.js';
import { ControllerMetrics } from './kube/metrics.js';
import { REGION_HEALTHS, SwitchyardKube } from './kube/resources.js';

export async function startProbeAgent(
  options: ControllerOptions & { vantage: string },
): Promise<RunningController> {
  const config = loadKubeConfig(options);
  const log = options.logger ?? pino({ name: 'switchyard-probe-agent' });
  const metrics = new ControllerMetrics(options.httpPort !== undefined);
  const prober = new RegionHealthProber({
    vantage: options.vantage,
    aws: options.aws ?? sdkAwsPorts(options.awsSdk),
    kube: new SwitchyardKube(config),
    metrics,
    log: (message) => log.warn(message),
    ...(options.probeNetwork ? { network: options.probeNetwork } : {}),
  });
  const informer = await startInformer(
    config,
    REGION_HEALTHS,
    { onChange: (o) => prober.onChange(o), onDelete: (o) => prober.onDelete(o) },
    (message) => log.warn(message),
  );
  let http: HttpEndpoints | undefined;
  if (options.httpPort !== undefined) {
    http = await startHttpEndpoints(options.httpPort, metrics.registry, () => informer.synced);
  }
  const identity = options.identity ?? `${hostname()}-${process.pid}`;
  log.info({ vantage: options.vantage, identity, http: http?.url }, 'probe agent started');
  return {
    ...(http ? { httpUrl: http.url } : {}),
    metrics,
    // Probing twice from one vantage is harmless (the same status), so there is no Lease to hold.
    isLeader: () => true,
    async stop() {
      prober.stop();
      await informer.stop();
      await http?.close();
      log.info('probe agent stopped');
    },
  };
}
