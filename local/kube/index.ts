export {
  type KubeconfigCluster,
  kubeconfigYamlFor,
  writeKubeconfig,
  writeKubeconfigText,
} from './kubeconfig.js';
export { checkSavedObjects } from './persistence.js';
export { KubeApi, type KubeEmulator, type KubeEmulatorOptions, startKubeEmulator } from './server.js';
