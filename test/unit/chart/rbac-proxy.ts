/**
 * An HTTP proxy in front of a Kubernetes API that authorizes every request the way the RBAC
 * authorizer does for one ServiceAccount, from Roles and ClusterRoles given as objects: what the
 * chart grants is what the controller behind the proxy gets. Refused requests answer 403 with a
 * Forbidden Status, as the apiserver does, and are recorded.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The rules of one role binding; `namespace` for a RoleBinding (it grants there only). */
export interface RbacGrant {
  rules: RbacRule[];
  namespace?: string;
}

export interface ResourceRequest {
  verb: string;
  apiGroup: string;
  /** `plural` or `plural/subresource`. */
  resource: string;
  namespace?: string;
}

/** Kubernetes request info: the RBAC attributes of a resource request; undefined for discovery. */
export function resourceRequest(method: string, url: string): ResourceRequest | undefined {
  const parsed = new URL(url, 'http://apiserver');
  const parts = parsed.pathname.split('/').filter(Boolean);
  let apiGroup: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) [apiGroup, rest] = ['', parts.slice(2)];
  else if (parts[0] === 'apis' && parts.length >= 3) [apiGroup, rest] = [parts[1] as string, parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource] = rest;
  if (!plural) return undefined;
  const watch = ['true', '1'].includes(parsed.searchParams.get('watch') ?? '');
  const verb =
    method === 'GET'
      ? name
        ? 'get'
        : watch
          ? 'watch'
          : 'list'
      : ({ POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' }[
          method
        ] ?? method.toLowerCase());
  return {
    verb,
    apiGroup,
    resource: subresource ? `${plural}/${subresource}` : plural,
    ...(namespace ? { namespace } : {}),
  };
}

export function isAllowed(req: ResourceRequest, grants: RbacGrant[]): boolean {
  const matches = (values: string[], value: string) => values.includes('*') || values.includes(value);
  return grants.some(
    (grant) =>
      (grant.namespace === undefined || grant.namespace === req.namespace) &&
      grant.rules.some(
        (rule) =>
          matches(rule.apiGroups, req.apiGroup) &&
          matches(rule.resources, req.resource) &&
          matches(rule.verbs, req.verb),
      ),
  );
}

export interface RbacProxy {
  url: string;
  /** Every resource request that reached the proxy, allowed or not. */
  requests: ResourceRequest[];
  denied: ResourceRequest[];
  close(): Promise<void>;
}

export async function startRbacProxy(target: string, grants: RbacGrant[]): Promise<RbacProxy> {
  const to = new URL(target);
  const requests: ResourceRequest[] = [];
  const denied: ResourceRequest[] = [];
  const server = createServer((req, res) => {
    const attributes = resourceRequest(req.method ?? 'GET', req.url ?? '/');
    if (attributes) {
      requests.push(attributes);
      if (!isAllowed(attributes, grants)) {
        denied.push(attributes);
        const { verb, apiGroup, resource, namespace } = attributes;
        res.writeHead(403, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Forbidden',
            code: 403,
            message: `${verb} ${resource}.${apiGroup} ${namespace ? `in ${namespace}` : 'cluster-wide'} is forbidden by the chart's RBAC`,
          }),
        );
        req.resume();
        return;
      }
    }
    const upstream = request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        // A watch answers headers first and events later: pass the headers on at once.
        res.flushHeaders();
        reply.on('error', () => res.destroy());
        reply.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    denied,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
