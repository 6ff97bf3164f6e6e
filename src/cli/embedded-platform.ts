import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import { yamlFilesUnder } from '../schema/catalog.js';
import { parseYamlDocuments } from '../schema/yaml-cache.js';
import { type Manifest, ServerSideApplier } from './server-side-apply.js';

export interface EmbeddedPlatformOptions {
  root: string;
  stateDir: string;
  kubePort: number;
  awsPort: number;
}

export interface EmbeddedPlatform {
  kube: KubeEmulator;
  kubeconfig: string;
  aws: AwsSimulator;
  /** What was applied to the cluster, as `Kind namespace/name`. */
  applied: string[];
  close(): Promise<void>;
}

/**
 * Long-lived objects loaded into the cluster at start: the plan and the region health objects.
 * Failovers are left out on purpose: applying one is the user's act (`kubectl apply`).
 */
const STARTUP_KINDS = new Set(['FailoverPlan', 'RegionHealth']);

/** The Node-only platform: Kubernetes API emulator + AWS simulator, with our CRDs installed. */
export async function startEmbeddedPlatform(options: EmbeddedPlatformOptions): Promise<EmbeddedPlatform> {
  mkdirSync(options.stateDir, { recursive: true });
  const kube = await startKubeEmulator({ port: options.kubePort, stateDir: options.stateDir });
  const aws = await startAwsSimulator({ port: options.awsPort });
  const close = async () => {
    await Promise.all([kube.close(), aws.close()]);
  };
  try {
    const kubeconfig = join(options.stateDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, kube.url);
    const applied = await loadCluster(new ServerSideApplier(kube.url), options.root);
    return { kube, kubeconfig, aws, applied, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function loadCluster(applier: ServerSideApplier, root: string): Promise<string[]> {
  const applied: string[] = [];
  const crds = manifestsUnder(join(root, 'charts', 'switchyard', 'crds'));
  for (const crd of crds) await applier.apply(crd);
  for (const crd of crds) await applier.waitEstablished(crd.metadata.name);
  applied.push(...crds.map((crd) => `CustomResourceDefinition ${crd.metadata.name}`));

  const objects = manifestsUnder(join(root, 'examples', 'failover')).filter((m) => STARTUP_KINDS.has(m.kind));
  const namespaces = [...new Set(objects.map((m) => m.metadata.namespace ?? 'default'))];
  for (const name of namespaces) {
    await applier.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    applied.push(`Namespace ${name}`);
  }
  for (const object of objects) {
    await applier.apply(object);
    applied.push(`${object.kind} ${object.metadata.namespace ?? 'default'}/${object.metadata.name}`);
  }
  return applied;
}

function manifestsUnder(dir: string): Manifest[] {
  return yamlFilesUnder(dir).flatMap(
    (file) => parseYamlDocuments(file, readFileSync(file, 'utf8')) as Manifest[],
  );
}
