import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { type RunningController, startController } from '../../controllers/controller.js';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import { type FailoverPlan, FailoverPlanResource } from '../apis/failover-plan.js';
import { yamlFilesUnder } from '../schema/catalog.js';
import { parseYamlDocuments } from '../schema/yaml-cache.js';
import { seedAwsForPlan } from './seed-aws.js';
import { type Manifest, ServerSideApplier } from './server-side-apply.js';

export interface EmbeddedPlatformOptions {
  root: string;
  stateDir: string;
  kubePort: number;
  awsPort: number;
  /** Real milliseconds per simulated millisecond; below 1 an Aurora failover takes seconds, not minutes. */
  timeScale: number;
}

export interface EmbeddedPlatform {
  kube: KubeEmulator;
  kubeconfig: string;
  aws: AwsSimulator;
  /** One failover controller per region, as each region's cluster would run; logs in the state dir. */
  controllers: { region: string; log: string }[];
  /** What was applied to the cluster, as `Kind namespace/name`. */
  applied: string[];
  close(): Promise<void>;
}

/**
 * Long-lived objects loaded into the cluster at start: the plan and the region health objects.
 * Failovers are left out on purpose: applying one is the user's act (`kubectl apply`).
 */
const STARTUP_KINDS = new Set(['FailoverPlan', 'RegionHealth']);

/**
 * The Node-only platform: Kubernetes API emulator + AWS simulator seeded with what the plan points
 * at, our CRDs and the plan installed, and a failover controller per region watching the cluster.
 */
export async function startEmbeddedPlatform(options: EmbeddedPlatformOptions): Promise<EmbeddedPlatform> {
  mkdirSync(options.stateDir, { recursive: true });
  const kube = await startKubeEmulator({ port: options.kubePort, stateDir: options.stateDir });
  const aws = await startAwsSimulator({ port: options.awsPort, timeScale: options.timeScale });
  const running: RunningController[] = [];
  const close = async () => {
    await Promise.all(running.map((controller) => controller.stop()));
    await Promise.all([kube.close(), aws.close()]);
  };
  try {
    const kubeconfig = join(options.stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, kube.url);
    const { applied, plan } = await loadCluster(new ServerSideApplier(kube.url), options.root);
    await seedAwsForPlan(plan.spec, aws.url);
    const controllers = [plan.spec.regions.primary, plan.spec.regions.standby].map((region) => ({
      region,
      log: join(options.stateDir, `controller-${region}.log`),
    }));
    for (const { region, log } of controllers) {
      running.push(
        await startController({
          kubeconfigPath: kubeconfig,
          region,
          logger: pino({ name: 'switchyard-controller' }, pino.destination({ dest: log, sync: false })),
          awsSdk: {
            endpoint: aws.url,
            credentials: { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' },
            // The simulator's clock runs ahead of ours when time is scaled; lag windows use its "now".
            awsNow: () => aws.clock.now(),
          },
        }),
      );
    }
    return { kube, kubeconfig, aws, controllers, applied, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function loadCluster(
  applier: ServerSideApplier,
  root: string,
): Promise<{ applied: string[]; plan: FailoverPlan }> {
  const applied: string[] = [];
  const crds = manifestsUnder(join(root, 'charts', 'switchyard', 'crds'));
  for (const crd of crds) await applier.apply(crd);
  for (const crd of crds) await applier.waitEstablished(crd.metadata.name);
  applied.push(...crds.map((crd) => `CustomResourceDefinition ${crd.metadata.name}`));

  const objects = manifestsUnder(join(root, 'examples', 'failover')).filter((m) => STARTUP_KINDS.has(m.kind));
  const plans = objects.filter((m) => m.kind === 'FailoverPlan');
  if (plans.length !== 1)
    throw new Error(`examples/failover must hold one FailoverPlan, found ${plans.length}`);
  const plan = FailoverPlanResource.parse(plans[0]);
  const namespaces = [...new Set(objects.map((m) => m.metadata.namespace ?? 'default'))];
  for (const name of namespaces) {
    await applier.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    applied.push(`Namespace ${name}`);
  }
  for (const object of objects) {
    await applier.apply(object);
    applied.push(`${object.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}`);
  }
  return { applied, plan };
}

function manifestsUnder(dir: string): Manifest[] {
  return yamlFilesUnder(dir).flatMap(
    (file) => parseYamlDocuments(file, readFileSync(file, 'utf8')) as Manifest[],
  );
}
