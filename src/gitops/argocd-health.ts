/**
 * The plug for Argo CD health checks: argocd-cm entries (`resource.customizations.health.<group>_<kind>`
 * → Lua, or a `resource.customizations` block for wildcard kinds) that the published argocd-cm patch
 * carries (argocd-cm.ts). The scripts are issue 15 item 4 (src/gitops/health/); until they land
 * this returns none, and Argo CD's built-in checks apply. To plug them in, return their entries here.
 */
export function healthCustomizations(): Record<string, string> {
  return {};
}
