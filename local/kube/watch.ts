import type { ServerResponse } from 'node:http';
import type { KubeObject } from './object-meta.js';
import { apiVersionOf, type ResourceType, storageKey } from './resource-type.js';
import { parseFieldSelector, parseLabelSelector, type Selector } from './selectors.js';
import { badRequest, expired } from './status.js';
import { type ObjectStore, type StoreEvent, TooOldResourceVersion } from './store.js';
import { toTable } from './table.js';
import { asVersion } from './write-path.js';

/**
 * Watch, as the apiserver serves it: a 200 response whose headers are flushed at once (clients
 * wait for them before reading), then one JSON event per line. Without a resourceVersion (or
 * with "0") it starts with ADDED for every current object; with one, it replays later changes
 * from the watch cache, or sends ERROR 410 Expired when that version is no longer cached.
 */

export interface WatchOptions {
  type: ResourceType;
  namespace: string;
  query: URLSearchParams;
  asTable: boolean;
  /** How often a BOOKMARK is sent when the client allows them. */
  bookmarkIntervalMs: number;
}

/**
 * Lines already serialized per store event (by event type and apiVersion): a change fans out to
 * every watcher of its resource, and serializing it once per watcher dominated the fan-out. Keyed
 * by the event, so the lines live as long as the watch cache keeps it, not as long as the object.
 */
const serializedLines = new WeakMap<StoreEvent, Map<string, string>>();

function eventLine(type: ResourceType, eventType: string, object: KubeObject, event?: StoreEvent): string {
  const serialize = () => `${JSON.stringify({ type: eventType, object: asVersion(type, object) })}\n`;
  if (!event) return serialize();
  let lines = serializedLines.get(event);
  if (!lines) {
    lines = new Map();
    serializedLines.set(event, lines);
  }
  const cacheKey = `${eventType} ${apiVersionOf(type)}`;
  let line = lines.get(cacheKey);
  if (line === undefined) {
    line = serialize();
    lines.set(cacheKey, line);
  }
  return line;
}

/** Without timeoutSeconds the apiserver picks a random timeout of 30-60 minutes; so do we. */
function defaultTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

export function serveWatch(store: ObjectStore, response: ServerResponse, options: WatchOptions): void {
  const { type, query } = options;
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), type.selectableFields);
  const namespace = type.namespaced && options.namespace !== '' ? options.namespace : undefined;
  const matches: Selector = (object) =>
    (namespace === undefined ||
      (object.metadata as { namespace?: string } | undefined)?.namespace === namespace) &&
    labels(object) &&
    fields(object);
  const rvParam = query.get('resourceVersion');
  const from = rvParam === null || rvParam === '' || rvParam === '0' ? undefined : Number(rvParam);
  if (from !== undefined && !Number.isInteger(from)) throw badRequest(`invalid resource version: ${rvParam}`);
  const timeoutParam = query.get('timeoutSeconds');
  const timeoutSeconds = timeoutParam === null ? defaultTimeoutSeconds() : Number(timeoutParam);

  response.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  response.flushHeaders();

  let headersSent = false;
  const send = (eventType: string, object: KubeObject, event?: StoreEvent) => {
    if (!options.asTable) {
      response.write(eventLine(type, eventType, object, event));
      return;
    }
    let payload: unknown = asVersion(type, object);
    if (eventType !== 'ERROR' && eventType !== 'BOOKMARK') {
      payload = toTable(
        type,
        [payload as KubeObject],
        { resourceVersion: String((object.metadata as { resourceVersion?: string })?.resourceVersion ?? '') },
        { noHeaders: headersSent },
      );
      headersSent = true;
    }
    response.write(`${JSON.stringify({ type: eventType, object: payload })}\n`);
  };
  const onEvent = (event: StoreEvent) => {
    const now = matches(event.object);
    const before = event.previous !== undefined && event.type === 'MODIFIED' ? matches(event.previous) : now;
    if (event.type === 'MODIFIED' && before !== now) send(now ? 'ADDED' : 'DELETED', event.object, event);
    else if (now) send(event.type, event.object, event);
  };

  let unsubscribe: () => void = () => {};
  try {
    if (from === undefined) {
      for (const object of store.list(storageKey(type), namespace))
        if (matches(object)) send('ADDED', object);
    }
    unsubscribe = store.watch(storageKey(type), from ?? store.currentRevision(), onEvent);
  } catch (error) {
    if (!(error instanceof TooOldResourceVersion)) throw error;
    response.end(`${JSON.stringify({ type: 'ERROR', object: expired(error.message).body })}\n`);
    return;
  }

  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    if (!response.writableEnded) response.end();
  };
  timers.push(setTimeout(finish, timeoutSeconds * 1000));
  if (query.get('allowWatchBookmarks') === 'true') {
    const bookmark = () => {
      const object = {
        kind: type.kind,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(store.currentRevision()) },
      };
      response.write(`${JSON.stringify({ type: 'BOOKMARK', object })}\n`);
    };
    const interval = setInterval(bookmark, options.bookmarkIntervalMs);
    timers.push(interval);
  }
  response.on('close', finish);
}
