import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';

/** Repository root, independent of the directory vitest was started from. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `npm run real:setup` puts everything (same default and override as tools/real/setup.sh). */
export const realCache = process.env.SWITCHYARD_REAL_CACHE ?? join(repoRoot, '.cache/real');

export const realBin = {
  kubeApiserver: join(realCache, 'bin/kube-apiserver'),
  luaHealth: join(realCache, 'bin/lua-health'),
  crank: join(realCache, 'bin/crank'),
  functionPatchAndTransform: join(realCache, 'bin/function-patch-and-transform'),
  functionAutoReady: join(realCache, 'bin/function-auto-ready'),
  crossplane: join(realCache, 'bin/crossplane'),
  motoServer: join(realCache, 'venv/bin/moto_server'),
  /** Argo CD v3.2.11: `argocd application-controller|repo-server` (tools/real/argocd). */
  argocd: join(realCache, 'bin/argocd'),
} as const;

export const argocdResourceCustomizations = join(realCache, 'argocd/resource_customizations');

/** cluster/crds of the Crossplane module real:setup builds the core from (crossplane/VERSION names it). */
export const crossplaneCrds = join(realCache, 'crossplane/crds');

/** api/openapi-spec/v3 of the k8s.io/kubernetes module real:setup pins, with a VERSION file naming it. */
export const kubernetesOpenApi = join(realCache, 'kubernetes-openapi');

/** Logs of every component started by a test; kept after the run so CI failures can be read. */
export const realLogDir = join(realCache, 'logs');

/**
 * Read-only upstream schemas (never copied into the repository): ../shared/schemas, or
 * SWITCHYARD_SCHEMAS_DIR, resolved exactly as the validator resolves them.
 */
export const sharedSchemas = upstreamSchemasDir(repoRoot);

/**
 * Fails loudly when real:setup has not run. test:real exists to exercise the real components, so
 * a missing binary must not turn into a silently green (skipped) run.
 */
export function requireBuilt(...paths: string[]): void {
  const missing = paths.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `real platform not built (missing ${missing.join(', ')}): run \`npm run real:setup\` first`,
    );
  }
}
