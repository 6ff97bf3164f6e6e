/**
 * Server-side apply of manifests over plain HTTP, as `kubectl apply --server-side` does it:
 * discovery maps kind → resource, then one PATCH (application/apply-patch+yaml) per object. Used
 * by `switchyard start` to load the embedded cluster; apply is idempotent, so a restart over a
 * kept state dir changes nothing.
 */

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

const FIELD_MANAGER = 'switchyard-start';

export class ServerSideApplier {
  private readonly discovery = new Map<string, ApiResource[]>();

  constructor(private readonly serverUrl: string) {}

  async apply(manifest: Manifest): Promise<void> {
    const path = await this.objectPath(manifest);
    const response = await fetch(`${this.serverUrl}${path}?fieldManager=${FIELD_MANAGER}&force=true`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml', accept: 'application/json' },
      body: JSON.stringify(manifest),
    });
    if (!response.ok) {
      const status = (await response.json().catch(() => ({}))) as { message?: string };
      throw new Error(
        `apply ${describe(manifest)}: ${response.status} ${status.message ?? response.statusText}`,
      );
    }
  }

  /** Waits until a CRD reports Established, so objects of its kind can be applied next. */
  async waitEstablished(crdName: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const response = await fetch(
        `${this.serverUrl}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crdName}`,
      );
      if (response.ok) {
        const crd = (await response.json()) as {
          status?: { conditions?: { type: string; status: string }[] };
        };
        if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
          this.discovery.clear(); // the new kind is now served
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`CRD ${crdName} was not Established within ${timeoutMs} ms`);
  }

  private async objectPath(manifest: Manifest): Promise<string> {
    const groupVersionPath = manifest.apiVersion.includes('/')
      ? `/apis/${manifest.apiVersion}`
      : `/api/${manifest.apiVersion}`;
    const resource = (await this.resources(groupVersionPath)).find((r) => r.kind === manifest.kind);
    if (!resource) throw new Error(`apply ${describe(manifest)}: the server does not serve this kind`);
    const namespace = resource.namespaced ? `/namespaces/${manifest.metadata.namespace ?? 'default'}` : '';
    return `${groupVersionPath}${namespace}/${resource.name}/${manifest.metadata.name}`;
  }

  private async resources(groupVersionPath: string): Promise<ApiResource[]> {
    const cached = this.discovery.get(groupVersionPath);
    if (cached) return cached;
    const response = await fetch(`${this.serverUrl}${groupVersionPath}`);
    const list = response.ok ? ((await response.json()) as { resources: ApiResource[] }).resources : [];
    // Subresources (`failovers/status`) are not kinds one applies.
    const resources = list.filter((r) => !r.name.includes('/'));
    this.discovery.set(groupVersionPath, resources);
    return resources;
  }
}

function describe(manifest: Manifest): string {
  const namespace = manifest.metadata.namespace ? `${manifest.metadata.namespace}/` : '';
  return `${manifest.kind} ${namespace}${manifest.metadata.name}`;
}
