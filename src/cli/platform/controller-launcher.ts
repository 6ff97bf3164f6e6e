/**
 * How a region's failover controller runs on the embedded platform. `npm start` runs it in its own
 * process (`inProcessControllers`); the chaos suite runs each in a child process it can SIGKILL
 * (controller-process.ts). Either way the controller gets the same settings, as plain data: what a
 * Deployment's container args would say.
 */
import pino from 'pino';
import {
  type ControllerOptions,
  type RunningController,
  startController,
} from '../../../controllers/controller.js';
import type { ProbeNetwork } from '../../../controllers/health/probes.js';
import type { AwsSimulator } from '../../../local/aws/index.js';
import type { PairRegion } from '../../estate/common/parameters.js';
import { simulatedDnsNetwork } from './probe-network.js';

export interface ControllerSettings {
  region: PairRegion;
  /** The region's management cluster. */
  kubeconfig: string;
  /** The vantage it probes from (cluster-use1, cluster-use2). */
  vantage: string;
  /** Its name in the Lease, Events and logs; kept across restarts, as a StatefulSet's pod keeps its name. */
  identity: string;
  leaderElectionNamespace: string;
  readinessIntervalMs: number;
  /** Where its AWS calls go (the simulator, or a network stand-in in front of it). */
  awsEndpoint: string;
  /** The simulator itself: its admin API answers DNS for probes and its clock. */
  simulatorUrl: string;
  logFile: string;
}

/** A controller as the platform holds it: its /healthz, /readyz, /metrics, and a way to stop it. */
export interface LaunchedController {
  readonly httpUrl?: string | undefined;
  stop(): Promise<void>;
}

export type ControllerLauncher = (settings: ControllerSettings) => Promise<LaunchedController>;

/** What only the controller's own process can provide: how it resolves probed names, and AWS's "now". */
export interface ControllerEnvironment {
  probeNetwork: ProbeNetwork;
  awsNow(): number;
}

const CREDENTIALS = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' };

export function controllerOptions(
  settings: ControllerSettings,
  environment: ControllerEnvironment,
): ControllerOptions {
  return {
    kubeconfigPath: settings.kubeconfig,
    region: settings.region,
    vantage: settings.vantage,
    probeNetwork: environment.probeNetwork,
    httpPort: 0,
    identity: settings.identity,
    logger: pino(
      { name: 'switchyard-controller' },
      pino.destination({ dest: settings.logFile, sync: false, mkdir: true }),
    ),
    leaderElection: { namespace: settings.leaderElectionNamespace },
    readinessIntervalMs: settings.readinessIntervalMs,
    awsSdk: {
      endpoint: settings.awsEndpoint,
      credentials: CREDENTIALS,
      // The simulator's clock runs ahead of ours when time is scaled; lag windows use its "now".
      awsNow: environment.awsNow,
    },
  };
}

/** `npm start`: each controller in the platform's process, asking the simulator directly. */
export function inProcessControllers(aws: AwsSimulator): ControllerLauncher {
  return async (settings): Promise<RunningController> =>
    startController(
      controllerOptions(settings, {
        probeNetwork: simulatedDnsNetwork(aws, settings.region, settings.vantage),
        awsNow: () => aws.clock.now(),
      }),
    );
}
