export {
  type KubeconfigCluster,
  kubeconfigYamlFor,
  writeKubeconfig,
  writeKubeconfigText,
} from './kubeconfig.js';
export { KubeApi, type KubeEmulator, type KubeEmulatorOptions, startKubeEmulator } from './server.js';
