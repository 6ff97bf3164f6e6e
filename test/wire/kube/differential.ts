import { isDeepStrictEqual } from 'node:util';
import { sleep } from '../../support/wait.js';
import { WIDGETS, widget, widgetsIn } from './fixtures.js';
import { type KubeTarget, type WireResponse, warningsOf } from './target.js';

/**
 * Differential cases: the same requests sent to the emulator and to the real apiserver, the
 * answers compared on status code, Warning headers and body, ignoring what is unique per server
 * (uid, timestamps, resourceVersion values, continue tokens, the server's own manager name).
 */

export interface Step {
  method: string;
  /** Relative to the case's namespace collection unless it starts with '/'. */
  path: string;
  body?: unknown | ((previous: WireResponse[]) => unknown);
  contentType?: string;
  accept?: string;
  raw?: string;
}

export interface DifferentialCase {
  name: string;
  steps: Step[];
}

const merge = 'application/merge-patch+json';
const jsonPatch = 'application/json-patch+json';
const apply = 'application/apply-patch+yaml';
const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const LEASES_IN_TRADING = '/apis/coordination.k8s.io/v1/namespaces/trading/leases';
const lease = (name: string, renewTime: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name },
  spec: { holderIdentity: 'replica-a', leaseDurationSeconds: 15, renewTime },
});

/** The body of the last response with `spec` changed: a read-modify-write PUT. */
const modifyLast =
  (change: (object: Record<string, unknown>) => Record<string, unknown>) => (previous: WireResponse[]) =>
    change(previous[previous.length - 1]?.body as Record<string, unknown>);

export const differentialCases: DifferentialCase[] = [
  { name: 'discovery: APIResourceList of a CRD group', steps: [{ method: 'GET', path: WIDGETS }] },
  { name: 'discovery: APIGroup', steps: [{ method: 'GET', path: '/apis/wire.switchyard.dev' }] },
  {
    name: 'discovery: unknown group is 404',
    steps: [{ method: 'GET', path: '/apis/nothing.switchyard.dev/v1' }],
  },
  { name: 'create with defaults', steps: [{ method: 'POST', path: '', body: widget('a') }] },
  {
    name: 'create twice: 409 AlreadyExists',
    steps: [
      { method: 'POST', path: '', body: widget('a') },
      { method: 'POST', path: '', body: widget('a') },
    ],
  },
  { name: 'get missing: 404', steps: [{ method: 'GET', path: '/nope' }] },
  {
    name: 'unknown fields pruned with warnings',
    steps: [
      { method: 'POST', path: '', body: { ...widget('u', { color: 'red', colour: 'x' }), extra: true } },
    ],
  },
  {
    name: 'unknown metadata field pruned',
    steps: [{ method: 'POST', path: '', body: widget('m', { color: 'red' }, { bogus: 1 }) }],
  },
  {
    name: 'fieldValidation=Strict refuses unknown fields',
    steps: [{ method: 'POST', path: '?fieldValidation=Strict', body: { ...widget('s'), extra: 1 } }],
  },
  {
    name: 'fieldValidation=Ignore drops silently',
    steps: [{ method: 'POST', path: '?fieldValidation=Ignore', body: { ...widget('i'), extra: 1 } }],
  },
  {
    name: 'enum, type and required errors: 422 with causes',
    steps: [{ method: 'POST', path: '', body: widget('bad', { color: 'pink', size: 'big', tags: 'x' }) }],
  },
  { name: 'missing required field', steps: [{ method: 'POST', path: '', body: widget('req', { size: 2 }) }] },
  {
    name: 'minimum violated',
    steps: [{ method: 'POST', path: '', body: widget('neg', { color: 'red', size: -1 }) }],
  },
  {
    name: 'CEL rule on spec',
    steps: [{ method: 'POST', path: '', body: widget('huge', { color: 'green', size: 11 }) }],
  },
  {
    name: 'CEL rule with fieldPath (Failover allowDataLoss)',
    steps: [
      {
        method: 'POST',
        path: '/apis/failover.switchyard.dev/v1alpha1/namespaces/trading/failovers',
        body: {
          apiVersion: 'failover.switchyard.dev/v1alpha1',
          kind: 'Failover',
          metadata: { name: 'lossy' },
          spec: {
            planRef: { name: 'trading' },
            type: 'Switchover',
            targetRegion: 'us-east-2',
            reason: 'x',
            allowDataLoss: true,
          },
        },
      },
    ],
  },
  {
    name: 'pattern and enum on a Failover',
    steps: [
      {
        method: 'POST',
        path: '/apis/failover.switchyard.dev/v1alpha1/namespaces/trading/failovers',
        body: {
          apiVersion: 'failover.switchyard.dev/v1alpha1',
          kind: 'Failover',
          metadata: { name: 'c' },
          spec: { type: 'Sideways', targetRegion: 'eu', reason: 'x' },
        },
      },
    ],
  },
  {
    name: 'transition rule on update',
    steps: [
      { method: 'POST', path: '', body: widget('t', { color: 'red', serial: 'A' }) },
      { method: 'PATCH', path: '/t', body: { spec: { serial: 'B' } }, contentType: merge },
    ],
  },
  { name: 'invalid name', steps: [{ method: 'POST', path: '', body: widget('Bad_Name') }] },
  {
    name: 'no name',
    steps: [
      {
        method: 'POST',
        path: '',
        body: { apiVersion: 'wire.switchyard.dev/v1', kind: 'Widget', metadata: {}, spec: { color: 'red' } },
      },
    ],
  },
  {
    name: 'generateName',
    steps: [
      {
        method: 'POST',
        path: '',
        body: {
          apiVersion: 'wire.switchyard.dev/v1',
          kind: 'Widget',
          metadata: { generateName: 'gen-' },
          spec: { color: 'red' },
        },
      },
    ],
  },
  {
    name: 'namespace mismatch',
    steps: [{ method: 'POST', path: '', body: widget('x', { color: 'red' }, { namespace: 'elsewhere' }) }],
  },
  { name: 'malformed JSON', steps: [{ method: 'POST', path: '', raw: '{not json' }] },
  { name: 'wrong content type', steps: [{ method: 'POST', path: '', raw: '{}', contentType: 'text/plain' }] },
  {
    name: 'kind of another resource',
    steps: [{ method: 'POST', path: '', body: { ...widget('k'), kind: 'Gizmo' } }],
  },
  {
    name: 'PUT: read-modify-write bumps generation',
    steps: [
      { method: 'POST', path: '', body: widget('p') },
      { method: 'PUT', path: '/p', body: modifyLast((o) => ({ ...o, spec: { color: 'blue' } })) },
    ],
  },
  {
    name: 'PUT: stale resourceVersion is 409',
    steps: [
      { method: 'POST', path: '', body: widget('p') },
      { method: 'PATCH', path: '/p', body: { spec: { size: 3 } }, contentType: merge },
      {
        method: 'PUT',
        path: '/p',
        body: (previous: WireResponse[]) => ({ ...(previous[0]?.body as object), spec: { color: 'red' } }),
      },
    ],
  },
  {
    name: 'PUT: missing resourceVersion is 422',
    steps: [
      { method: 'POST', path: '', body: widget('p') },
      { method: 'PUT', path: '/p', body: widget('p', { color: 'red' }) },
    ],
  },
  {
    name: 'PUT: name mismatch',
    steps: [
      { method: 'POST', path: '', body: widget('p') },
      {
        method: 'PUT',
        path: '/p',
        body: modifyLast((o) => ({ ...o, metadata: { ...(o.metadata as object), name: 'q' } })),
      },
    ],
  },
  {
    name: 'no-op update keeps the resourceVersion',
    steps: [
      { method: 'POST', path: '', body: widget('n') },
      { method: 'PATCH', path: '/n', body: { spec: { color: 'green' } }, contentType: merge },
    ],
  },
  {
    name: 'status write ignores spec; main write ignores status',
    steps: [
      { method: 'POST', path: '', body: widget('st') },
      {
        method: 'PATCH',
        path: '/st/status',
        body: {
          spec: { size: 5 },
          status: { phase: 'Ready', conditions: [{ type: 'Ready', status: 'True' }] },
        },
        contentType: merge,
      },
      {
        method: 'PATCH',
        path: '/st',
        body: { spec: { size: 2 }, status: { phase: 'Lost' } },
        contentType: merge,
      },
      { method: 'GET', path: '/st/status' },
    ],
  },
  {
    name: 'status on create is dropped',
    steps: [{ method: 'POST', path: '', body: { ...widget('sc'), status: { phase: 'Ready' } } }],
  },
  {
    name: 'JSON patch ops',
    steps: [
      { method: 'POST', path: '', body: widget('j', { color: 'red', tags: ['a'] }) },
      {
        method: 'PATCH',
        path: '/j',
        body: [
          { op: 'add', path: '/spec/tags/-', value: 'b' },
          { op: 'remove', path: '/spec/size' },
          { op: 'copy', from: '/spec/color', path: '/spec/serial' },
          { op: 'move', from: '/spec/serial', path: '/spec/color' },
        ],
        contentType: jsonPatch,
      },
    ],
  },
  {
    name: 'JSON patch: failed test, bad path, object body',
    steps: [
      { method: 'POST', path: '', body: widget('j') },
      {
        method: 'PATCH',
        path: '/j',
        body: [{ op: 'test', path: '/spec/color', value: 'red' }],
        contentType: jsonPatch,
      },
      {
        method: 'PATCH',
        path: '/j',
        body: [{ op: 'replace', path: '/spec/nothere/x', value: 1 }],
        contentType: jsonPatch,
      },
      { method: 'PATCH', path: '/j', body: { spec: {} }, contentType: jsonPatch },
    ],
  },
  {
    name: 'strategic merge patch on a custom resource: 415',
    steps: [
      { method: 'POST', path: '', body: widget('smp') },
      {
        method: 'PATCH',
        path: '/smp',
        body: { spec: { size: 2 } },
        contentType: 'application/strategic-merge-patch+json',
      },
    ],
  },
  {
    name: 'merge patch of a missing object: 404',
    steps: [{ method: 'PATCH', path: '/ghost', body: { spec: { size: 2 } }, contentType: merge }],
  },
  {
    name: 'apply without fieldManager: 422',
    steps: [{ method: 'PATCH', path: '/ap', body: widget('ap'), contentType: apply }],
  },
  {
    name: 'apply creates, conflicts, shares, forces',
    steps: [
      {
        method: 'PATCH',
        path: '/ap?fieldManager=alice',
        body: widget('ap', { color: 'green', size: 3, parts: [{ name: 'x', count: 1 }], tags: ['a'] }),
        contentType: apply,
      },
      {
        method: 'PATCH',
        path: '/ap?fieldManager=bob',
        body: widget('ap', { color: 'blue', size: 4 }),
        contentType: apply,
      },
      {
        method: 'PATCH',
        path: '/ap?fieldManager=bob',
        body: widget('ap', { color: 'green', parts: [{ name: 'y', count: 2 }], tags: ['b'] }),
        contentType: apply,
      },
      {
        method: 'PATCH',
        path: '/ap?fieldManager=bob&force=true',
        body: widget('ap', { color: 'blue', parts: [{ name: 'y', count: 2 }] }),
        contentType: apply,
      },
      {
        method: 'PATCH',
        path: '/ap?fieldManager=alice',
        body: widget('ap', { parts: [{ name: 'x', count: 1 }] }),
        contentType: apply,
      },
    ],
  },
  {
    name: 'apply conflicts with an Update manager',
    steps: [
      { method: 'POST', path: '?fieldManager=creator', body: widget('au', { color: 'red', size: 2 }) },
      {
        method: 'PATCH',
        path: '/au?fieldManager=applier',
        body: widget('au', { color: 'blue', size: 3 }),
        contentType: apply,
      },
    ],
  },
  {
    name: 'apply to status subresource',
    steps: [
      { method: 'POST', path: '', body: widget('as') },
      {
        method: 'PATCH',
        path: '/as/status?fieldManager=ctrl',
        body: { ...widget('as'), spec: undefined, status: { phase: 'Ready' } },
        contentType: apply,
      },
    ],
  },
  {
    name: 'managedFields of create, update and status writes',
    steps: [
      {
        method: 'POST',
        path: '?fieldManager=one',
        body: widget(
          'mf',
          { color: 'red', tags: ['x'], parts: [{ name: 'p', count: 1 }] },
          { labels: { a: 'b' } },
        ),
      },
      {
        method: 'PATCH',
        path: '/mf?fieldManager=two',
        body: { spec: { size: 7 }, metadata: { annotations: { n: 'v' } } },
        contentType: merge,
      },
      {
        method: 'PATCH',
        path: '/mf/status?fieldManager=three',
        body: { status: { phase: 'P' } },
        contentType: merge,
      },
    ],
  },
  {
    name: 'list with selectors',
    steps: [
      { method: 'POST', path: '', body: widget('l1', { color: 'red' }, { labels: { tier: 'web' } }) },
      { method: 'POST', path: '', body: widget('l2', { color: 'blue' }, { labels: { tier: 'db' } }) },
      { method: 'GET', path: '?labelSelector=tier%3Dweb' },
      { method: 'GET', path: '?labelSelector=tier%20in%20(web,db),tier!%3Ddb' },
      { method: 'GET', path: '?labelSelector=!tier' },
      { method: 'GET', path: '?fieldSelector=metadata.name%3Dl2' },
      { method: 'GET', path: '?fieldSelector=spec.color%3Dblue' },
      { method: 'GET', path: '?fieldSelector=spec.size%3D1' },
      { method: 'GET', path: '?labelSelector=tier%20in%20(web' },
    ],
  },
  {
    name: 'list pages with limit and continue',
    steps: [
      { method: 'POST', path: '', body: widget('p1') },
      { method: 'POST', path: '', body: widget('p2') },
      { method: 'POST', path: '', body: widget('p3') },
      { method: 'GET', path: '?limit=2' },
      { method: 'GET', path: '', body: undefined },
    ],
  },
  {
    name: 'list as Table with printer columns',
    steps: [
      { method: 'POST', path: '', body: widget('tb', { color: 'red', size: 12 }) },
      {
        method: 'PATCH',
        path: '/tb/status',
        body: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
        contentType: merge,
      },
      { method: 'GET', path: '', accept: table },
      { method: 'GET', path: '/tb', accept: table },
    ],
  },
  {
    name: 'Table for a CRD without printer columns',
    steps: [
      {
        method: 'GET',
        path: '/apis/failover.switchyard.dev/v1alpha1/namespaces/none/regionhealths',
        accept: table,
      },
    ],
  },
  {
    name: 'delete: Status Success',
    steps: [
      { method: 'POST', path: '', body: widget('d') },
      { method: 'DELETE', path: '/d' },
      { method: 'DELETE', path: '/d' },
    ],
  },
  {
    name: 'delete with finalizers',
    steps: [
      {
        method: 'POST',
        path: '',
        body: widget('f', { color: 'red' }, { finalizers: ['wire.switchyard.dev/hold'] }),
      },
      { method: 'DELETE', path: '/f' },
      { method: 'DELETE', path: '/f' },
      { method: 'PATCH', path: '/f', body: { metadata: { finalizers: null } }, contentType: merge },
      { method: 'GET', path: '/f' },
    ],
  },
  {
    name: 'delete with a stale precondition',
    steps: [
      { method: 'POST', path: '', body: widget('pc') },
      { method: 'DELETE', path: '/pc', body: { preconditions: { resourceVersion: '1' } } },
    ],
  },
  {
    name: 'deletecollection by label',
    steps: [
      { method: 'POST', path: '', body: widget('dc1', { color: 'red' }, { labels: { gone: 'yes' } }) },
      { method: 'POST', path: '', body: widget('dc2') },
      { method: 'DELETE', path: '?labelSelector=gone%3Dyes' },
      { method: 'GET', path: '' },
    ],
  },
  {
    name: 'dry-run create stores nothing',
    steps: [
      { method: 'POST', path: '?dryRun=All', body: widget('dry') },
      { method: 'GET', path: '/dry' },
    ],
  },
  {
    name: 'watch from a too-old resourceVersion: ERROR 410',
    steps: [{ method: 'GET', path: '?watch=true&resourceVersion=1' }],
  },
  {
    name: 'body over 3 MiB: 413',
    steps: [{ method: 'POST', path: '', raw: `{"pad":"${'x'.repeat(3 * 1024 * 1024 + 16)}"}` }],
  },
  {
    name: 'unknown resource: 404',
    steps: [{ method: 'GET', path: '/apis/wire.switchyard.dev/v1/namespaces/x/sprockets' }],
  },
  {
    name: 'cluster-scoped list of a namespaced kind',
    steps: [
      { method: 'POST', path: '', body: widget('cs') },
      { method: 'GET', path: `${WIDGETS}/widgets?fieldSelector=metadata.name%3Dcs` },
    ],
  },
  {
    name: 'CRD with a name that does not match',
    steps: [
      {
        method: 'POST',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        body: {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'wrong.example.com' },
          spec: {
            group: 'things.example.com',
            scope: 'Namespaced',
            names: { plural: 'things', kind: 'Thing' },
            versions: [
              { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
            ],
          },
        },
      },
    ],
  },
  // Built-in kinds the full kube-apiserver decodes into Go types (ADR 0019).
  {
    name: 'NamespaceLifecycle: create in a namespace that does not exist is 404',
    steps: [{ method: 'POST', path: `${WIDGETS}/namespaces/never-created/widgets`, body: widget('orphan') }],
  },
  {
    name: 'built-in kind without apiVersion and kind: decoded with those of the URL, 201',
    steps: [
      {
        method: 'POST',
        path: '/api/v1/namespaces/trading/configmaps',
        body: { metadata: { name: 'typeless' }, data: { region: 'us-east-2' } },
      },
    ],
  },
  {
    name: 'Lease renewTime with milliseconds (a JavaScript Date): 400, MicroTime needs six digits',
    steps: [
      {
        method: 'POST',
        path: LEASES_IN_TRADING,
        body: lease('ms', '2026-11-25T03:12:00.123Z'),
      },
    ],
  },
  {
    name: 'Lease with MicroTime renewTime, then a PUT with a seconds-only renewTime: 201, then 400',
    steps: [
      { method: 'POST', path: LEASES_IN_TRADING, body: lease('micro', '2026-11-25T03:12:00.123456Z') },
      {
        method: 'PUT',
        path: `${LEASES_IN_TRADING}/micro`,
        body: modifyLast((object) => ({
          ...object,
          spec: { ...(object.spec as object), renewTime: '2026-11-25T03:12:10Z' },
        })),
      },
    ],
  },
  {
    name: 'core/v1 Event with eventTime of nine fractional digits: 400',
    steps: [
      {
        method: 'POST',
        path: '/api/v1/namespaces/trading/events',
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'nanos' },
          involvedObject: { kind: 'Failover', name: 'x', namespace: 'trading' },
          reason: 'StepStarted',
          message: 'x',
          eventTime: '2026-11-25T03:12:00.123456789Z',
        },
      },
    ],
  },
];

export interface Outcome {
  status: number;
  warnings: string[];
  body: unknown;
}

export async function runCase(
  target: KubeTarget,
  testCase: DifferentialCase,
  namespace: string,
): Promise<Outcome[]> {
  const responses: WireResponse[] = [];
  const outcomes: Outcome[] = [];
  for (const step of testCase.steps) {
    const path =
      step.path.startsWith('/') &&
      !step.path.startsWith('/?') &&
      (step.path.startsWith('/api') || step.path.startsWith('/openapi'))
        ? step.path
        : `${widgetsIn(namespace)}${step.path}`;
    const body =
      typeof step.body === 'function'
        ? (step.body as (previous: WireResponse[]) => unknown)(responses)
        : step.body;
    const send = () =>
      target.request(step.method, path, body, {
        ...(step.contentType ? { contentType: step.contentType } : {}),
        ...(step.accept ? { accept: step.accept } : {}),
        ...(step.raw !== undefined ? { raw: step.raw } : {}),
      });
    let response = await send();
    // A fresh CRD's storage may still be initialising on the real server (429 + Retry-After),
    // which client-go retries; so do we.
    for (let attempt = 0; response.status === 429 && attempt < 20; attempt++) {
      await sleep(250);
      response = await send();
    }
    responses.push(response);
    outcomes.push({
      status: response.status,
      warnings: warningsOf(response),
      body: normalize(response.body, target),
    });
  }
  return outcomes;
}

const TIME_FIELDS = new Set(['creationTimestamp', 'deletionTimestamp', 'time', 'lastTransitionTime']);

/** What may differ between two servers doing the same thing. */
export function normalize(value: unknown, target: KubeTarget, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => normalize(item, target));
    // Cause order is the validator's walk order vs kube-openapi's; the set is what matters.
    if (key === 'causes') return items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    if (key === 'cells')
      return items.map((cell) => (typeof cell === 'string' && /^\d+(s|m|h|d|y)/.test(cell) ? '<age>' : cell));
    return items;
  }
  if (typeof value === 'string') {
    return value
      .replace(/too old resource version: \d+ \(\d+\)/, 'too old resource version: <rv>')
      .replace(/in record \(\d+\)/, 'in record (<rv>)')
      .replace(/^(gen-)[a-z0-9]{5}$/, '$1<random>');
  }
  if (typeof value !== 'object' || value === null) return value;
  const status = value as { kind?: unknown; message?: unknown; details?: { causes?: unknown[] } };
  if (
    status.kind === 'Status' &&
    typeof status.message === 'string' &&
    status.details?.causes &&
    status.message.includes(' is invalid: ') &&
    !status.message.endsWith('<causes>')
  ) {
    // The apiserver lists causes in Go map order, which changes from run to run; the causes are
    // compared as a set, so the summary keeps only its subject.
    const subject = status.message.slice(0, status.message.indexOf(' is invalid: '));
    return normalize({ ...status, message: `${subject} is invalid: <causes>` }, target, key);
  }
  const result: Record<string, unknown> = {};
  for (const [field, child] of Object.entries(value)) {
    if (field === 'uid' || field === 'resourceVersion') result[field] = child === '' ? '' : `<${field}>`;
    else if (TIME_FIELDS.has(field) && typeof child === 'string') result[field] = '<time>';
    else if (field === 'managedFields' && Array.isArray(child))
      result[field] = orderedWithoutTime(normalize(child, target, field) as unknown[]);
    else if (field === 'continue' && typeof child === 'string' && child !== '') result[field] = '<continue>';
    else if (field === 'manager' && child === target.serverManager) result[field] = '<server>';
    else if (field === 'name' && typeof child === 'string' && /^gen-[a-z0-9]{5}$/.test(child))
      result[field] = 'gen-<random>';
    else result[field] = normalize(child, target, field);
  }
  return result;
}

/**
 * Both servers order managedFields by operation, time (whole seconds), manager, apiVersion and
 * subresource. Times are masked, so two writes that straddle a second boundary on one server and
 * not the other would differ in order alone: compare the entries ordered by the other keys.
 */
function orderedWithoutTime(entries: unknown[]): unknown[] {
  const key = (entry: unknown) => {
    const {
      operation = '',
      manager = '',
      apiVersion = '',
      subresource = '',
    } = entry as Record<string, string | undefined>;
    return [operation, manager, apiVersion, subresource].join('\u0000');
  };
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

export function sameOutcome(a: Outcome[], b: Outcome[]): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
